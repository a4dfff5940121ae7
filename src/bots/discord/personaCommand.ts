import { type ChatInputCommandInteraction, PermissionFlagsBits } from "discord.js";
import { answerPersonaCommand, blockQuote, type PersonaAction } from "../common/personaCommand.js";
import type { DiscordCaller } from "./accessPolicy.js";
import { addressOf } from "./discordPlace.js";
import type { HandlerContext } from "./handlerContext.js";
import { personaSubcommands, personaTextOption } from "./slashCommands.js";

/**
 * `/persona set|show|reset` in a channel, thread or DM: the persona of that place. Setting and
 * resetting need a configured admin or, in a server, the Manage Server permission.
 */
export function personaReply(
  context: HandlerContext,
  interaction: ChatInputCommandInteraction,
  caller: DiscordCaller,
): string {
  return answerPersonaCommand({
    service: context.service,
    address: addressOf(caller),
    user: caller.userId,
    isAdmin:
      context.access.isAdmin(caller.userId) ||
      (caller.guildId !== null &&
        (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false)),
    action: personaAction(interaction),
    command: "/persona",
    quote: blockQuote,
    mention: (user) => `<@${user}>`,
  });
}

function personaAction(interaction: ChatInputCommandInteraction): PersonaAction {
  switch (interaction.options.getSubcommand(false)) {
    case personaSubcommands.set:
      return { kind: "set", text: interaction.options.getString(personaTextOption, true) };
    case personaSubcommands.show:
      return { kind: "show" };
    case personaSubcommands.reset:
      return { kind: "reset" };
    default:
      return { kind: "usage" };
  }
}
