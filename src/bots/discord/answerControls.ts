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
import { addressOf, eventIdOf } from "./discordPlace.js";
import type { HandlerContext } from "./handlerContext.js";
import { interactionReplyChain } from "./interactionReplyChain.js";
import { renderReply } from "./replyRenderer.js";

const stopPrefix = "guru:stop:";
const regeneratePrefix = "guru:regenerate:";

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

/** The Regenerate button under a finished answer or analysis to the question `messageId` (a Discord id). */
export function regenerateComponents(messageId: string): APIActionRowComponent<APIButtonComponent>[] {
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: "Regenerate",
          custom_id: `${regeneratePrefix}${messageId}`,
        },
      ],
    },
  ];
}

export const regenerateNotes = {
  notFound: "I no longer keep this question (it was forgotten), so I cannot answer it again.",
  unfinished: "Only a finished answer can be regenerated; this one is still running or was cut short.",
  notAllowed:
    "Only the person who asked, a Guru admin or someone who can manage this server can regenerate this answer.",
  busy: "This answer is already being regenerated.",
} as const;

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
  const { customId } = interaction;
  if (!customId.startsWith(stopPrefix) && !customId.startsWith(regeneratePrefix)) return;
  if (!context.recent.add(eventIdOf("interaction", interaction.id))) return;
  const isAdmin =
    context.access.isAdmin(interaction.user.id) ||
    (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false);
  try {
    if (customId.startsWith(regeneratePrefix))
      return await regenerate(context, interaction, customId.slice(regeneratePrefix.length), isAdmin);
    const outcome = context.running.stop(customId.slice(stopPrefix.length), interaction.user.id, isAdmin);
    if (outcome === "stopped") await interaction.deferUpdate();
    else await privately(interaction, stopNotes[outcome]);
  } catch (error) {
    context.logger.warn("could not answer a button press", { error });
  }
}

/**
 * A new answer to the same question in place of the old one: the press is acknowledged with 6
 * (DEFERRED_UPDATE_MESSAGE), then the message the button is on (`@original`) is edited as the
 * answer streams, with a Stop button until it ends.
 */
async function regenerate(
  context: HandlerContext,
  interaction: ButtonInteraction,
  messageId: string,
  isAdmin: boolean,
): Promise<void> {
  const channel = interaction.channel;
  const address = addressOf({
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    parentChannelId: channel?.isThread() ? channel.parentId : null,
  });
  const stop = new AbortController();
  const outcome = context.service.regenerate(
    { address, messageId },
    { requester: interaction.user.id, isAdmin },
    { signal: stop.signal },
  );
  if (outcome.kind === "refused") return privately(interaction, regenerateNotes[outcome.reason]);
  const answerId = `regenerate:${messageId}`;
  try {
    await interaction.deferUpdate();
  } catch (error) {
    // Discord no longer takes the press: nothing could show the new answer, so none is made.
    outcome.abandon();
    throw error;
  }
  const running = context.running.start(answerId, interaction.user.id, stop);
  try {
    const chain = interactionReplyChain(interaction, context.logger);
    await renderReply(
      outcome.updates,
      {
        show: (bodies) => chain.show(bodies),
        fail: async (text) => {
          await chain.show([{ content: text, embeds: [] }]);
        },
      },
      {
        mode: outcome.mode,
        question: outcome.question,
        editIntervalMs: context.config.editIntervalMs,
        logger: context.logger,
        whileRunning: stopComponents(answerId),
        whenFinished: regenerateComponents(messageId),
      },
    );
  } finally {
    running.end();
  }
}

async function privately(interaction: ButtonInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}
