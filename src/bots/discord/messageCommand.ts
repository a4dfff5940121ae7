import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  type Client,
  ContextMenuCommandBuilder,
  cleanContent,
  Events,
  InteractionContextType,
  type MessageContextMenuCommandInteraction,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from "discord.js";
import { addressOf, eventIdOf } from "./discordPlace.js";
import { refusedText } from "./discordText.js";
import type { HandlerContext } from "./handlerContext.js";
import { answerInteraction, callerOf, ephemeral } from "./interactionHandler.js";

/** The message command's name, as Discord shows it in a message's Apps menu. */
export const analyzeCommandName = "Analyze with Guru";

export const noTextToAnalyzeText = "That message has no text I can read, so there is nothing to analyze.";

/** The message context-menu commands Guru registers beside its slash commands. */
export function messageCommands(): RESTPostAPIContextMenuApplicationCommandsJSONBody[] {
  return [
    new ContextMenuCommandBuilder()
      .setName(analyzeCommandName)
      .setType(ApplicationCommandType.Message)
      .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .toJSON(),
  ];
}

/** Answers "Analyze with Guru" chosen on a message; `track` keeps the bot's stop waiting for it. */
export function registerMessageCommand(
  client: Client,
  context: HandlerContext,
  track: (handle: () => Promise<void>) => void,
): void {
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === analyzeCommandName)
      track(() => analyzeMessage(context, interaction));
  });
}

/**
 * A cognitive analysis of the chosen message, with what surrounds it (its reply chain, its thread)
 * as context, shown as the command's response in that channel — under the allowlists and rate
 * limit a mention meets, once per interaction.
 */
async function analyzeMessage(
  context: HandlerContext,
  interaction: MessageContextMenuCommandInteraction,
): Promise<void> {
  if (!context.recent.add(eventIdOf("interaction", interaction.id))) return;
  const caller = callerOf(interaction);
  if (caller === null) {
    context.logger.warn("a message command without a channel", { command: interaction.commandName });
    return;
  }
  if (!context.access.allows(caller)) return ephemeral(interaction, refusedText);
  const target = interaction.targetMessage;
  const text = cleanContent(target.content, target.channel).trim();
  // Without the Message Content intent Discord still sends the target's content; an embed-only message has none.
  if (text === "") return ephemeral(interaction, noTextToAnalyzeText);
  await answerInteraction(context, interaction, caller, "analyze", {
    text,
    reads: context.reader.readsAround(target),
    read: () =>
      context.reader.read({
        channel: target.channel,
        question: target,
        botUserId: interaction.client.user.id,
        lastSeenMessageId: context.service.lastSeenMessageId(addressOf(caller)),
      }),
  });
}
