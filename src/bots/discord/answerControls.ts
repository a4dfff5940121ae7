import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type ButtonInteraction,
  ButtonStyle,
  ComponentType,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import type { StopOutcome } from "../common/runningAnswers.js";
import { eventIdOf } from "./discordPlace.js";
import type { HandlerContext } from "./handlerContext.js";

const stopPrefix = "guru:stop:";

/** The Stop button under a reply while it is queued or generating; it carries the question's event id. */
export function stopComponents(answerId: string): APIActionRowComponent<APIButtonComponent>[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Danger,
          label: "Stop",
          custom_id: `${stopPrefix}${answerId}`,
        },
      ],
    },
  ];
}

export const stopNotes: Record<Exclude<StopOutcome, "stopped">, string> = {
  notAllowed:
    "Only the person who asked, a Guru admin or someone who can manage this server can stop this answer.",
  notRunning:
    "This answer is no longer running (it has finished, or Guru was restarted), so there is nothing to stop.",
};

/**
 * A press on an answer's button. Handled once (a redelivered interaction id is ignored) and
 * answered within Discord's 3 seconds: a stop is acknowledged without a message (6,
 * DEFERRED_UPDATE_MESSAGE; the reply's own edit then says "stopped"), a refusal or a press that
 * comes too late gets an ephemeral note (4).
 */
export async function handleAnswerControl(
  context: HandlerContext,
  interaction: ButtonInteraction,
): Promise<void> {
  if (!interaction.customId.startsWith(stopPrefix)) return;
  if (!context.recent.add(eventIdOf("interaction", interaction.id))) return;
  const answerId = interaction.customId.slice(stopPrefix.length);
  const isAdmin =
    context.access.isAdmin(interaction.user.id) ||
    (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false);
  const outcome = context.running.stop(answerId, interaction.user.id, isAdmin);
  try {
    if (outcome === "stopped") await interaction.deferUpdate();
    else await interaction.reply({ content: stopNotes[outcome], flags: MessageFlags.Ephemeral });
  } catch (error) {
    context.logger.warn("could not answer a button press", { error });
  }
}
