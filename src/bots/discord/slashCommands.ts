import {
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from "discord.js";
import { personaMaxChars } from "../../service/personas.js";

export const commandNames = {
  ask: "ask",
  analyze: "analyze",
  forget: "forget",
  memory: "memory",
  status: "status",
  help: "help",
  forgetMe: "forget-me",
  export: "export",
  persona: "persona",
} as const;

export const promptOption = "prompt";

/** `/persona set <text>`, `/persona show`, `/persona reset`. */
export const personaSubcommands = { set: "set", show: "show", reset: "reset" } as const;
export const personaTextOption = "text";

/** Usable in servers Guru is installed in and in DMs with Guru. */
function command(name: string, description: string): SlashCommandBuilder {
  return new SlashCommandBuilder()
    .setName(name)
    .setDescription(description)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall);
}

function withPrompt(builder: SlashCommandBuilder, description: string) {
  return builder.addStringOption((option) =>
    option.setName(promptOption).setDescription(description).setRequired(true),
  );
}

/** The commands Guru registers, as Discord's API takes them. */
export function slashCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    withPrompt(command(commandNames.ask, "Ask Guru a question"), "Your question"),
    withPrompt(
      command(commandNames.analyze, "A structured analysis with reasoning, patterns and a confidence"),
      "What to analyse",
    ),
    command(commandNames.forget, "Forget this conversation (channel, thread or DM)"),
    command(commandNames.memory, "What Guru remembers of this conversation"),
    command(commandNames.status, "The model Guru runs and how busy it is"),
    command(commandNames.help, "How to use Guru"),
    command(commandNames.forgetMe, "Delete everything you have said to Guru on Discord"),
    command(commandNames.export, "Download a copy of everything you have said to Guru on Discord"),
    command(commandNames.persona, "Guru's persona (system prompt) in this channel or thread")
      .addSubcommand((sub) =>
        sub
          .setName(personaSubcommands.set)
          .setDescription("Set the persona here (admins)")
          .addStringOption((option) =>
            option
              .setName(personaTextOption)
              .setDescription("How Guru should behave here")
              .setRequired(true)
              .setMaxLength(personaMaxChars),
          ),
      )
      .addSubcommand((sub) => sub.setName(personaSubcommands.show).setDescription("Show the persona here"))
      .addSubcommand((sub) =>
        sub.setName(personaSubcommands.reset).setDescription("Back to the configured persona (admins)"),
      ),
  ].map((builder) => builder.toJSON());
}
