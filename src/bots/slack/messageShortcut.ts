import type { App } from "@slack/bolt";
import { z } from "zod";
import type { Asker } from "./accessGate.js";
import { cannotPostText, notAllowedText, rateLimitedText } from "./replyTexts.js";
import { slackFileSchema } from "./slackPayloads.js";
import { answerInSlack, type SlackRuntime } from "./slackRuntime.js";
import { plainText } from "./slackText.js";
import { readThreadContext } from "./threadContext.js";

/** The message shortcut's id, as `config/slack-app-manifest.yaml` declares it. */
export const analyzeShortcutId = "analyze_with_guru";

/** The parts of a `message_action` payload Guru reads (https://api.slack.com/reference/interaction-payloads/shortcuts). */
const messageShortcutSchema = z.object({
  type: z.literal("message_action"),
  callback_id: z.literal(analyzeShortcutId),
  /** Unique per invocation: the unit of exactly-once. */
  trigger_id: z.string().min(1),
  /** When the person chose the shortcut, as a Slack ts: it orders with the channel's messages. */
  action_ts: z.string().min(1),
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  message: z.object({
    ts: z.string().min(1),
    thread_ts: z.string().min(1).optional(),
    text: z.string().default(""),
    files: z.array(slackFileSchema).default([]),
  }),
});

/** Bolt's `respond`: a note through the shortcut's `response_url`, seen by the person alone. */
type ShortcutRespond = (reply: { response_type: "ephemeral"; text: string }) => Promise<unknown>;

/**
 * "Analyze with Guru" on any message: a cognitive analysis of that message, its thread read as
 * context, posted in the message's thread — under the allowlists and rate limit a mention meets.
 * Acknowledged at once; the analysis is tracked by `track`, not awaited.
 */
export function registerMessageShortcut(
  app: App,
  runtime: SlackRuntime,
  track: (work: Promise<void>) => void,
): void {
  app.shortcut({ type: "message_action", callback_id: analyzeShortcutId }, async ({ body, ack, respond }) => {
    await ack();
    track(analyzeMessage(runtime, body, respond));
  });
}

async function analyzeMessage(runtime: SlackRuntime, body: unknown, respond: ShortcutRespond): Promise<void> {
  const note = (text: string) => respond({ response_type: "ephemeral", text }).then(() => undefined);
  const parsed = messageShortcutSchema.safeParse(body);
  if (!parsed.success) return note("Sorry, I could not read that message.");
  const shortcut = parsed.data;
  const { gate, seen, self } = runtime;
  const eventId = `slack:shortcut:${shortcut.trigger_id}`;
  if (!seen.add(eventId)) return;
  const channel = shortcut.channel.id;
  const direct = channel.startsWith("D");
  const asker: Asker = { team: shortcut.team.id, channel: direct ? null : channel, user: shortcut.user.id };
  if (!gate.admits(asker)) return note(notAllowedText);
  const rate = gate.takeQuestion(asker.user);
  if (!rate.allowed) return note(rateLimitedText(rate.retryAfterSeconds));
  const { message } = shortcut;
  const threadTs = message.thread_ts ?? message.ts;
  const address = {
    platform: "slack",
    space: direct ? null : shortcut.team.id,
    channel,
    thread: direct ? null : threadTs,
  };
  const context = await readThreadContext(runtime, {
    address,
    channel,
    // The message itself is what is analyzed: the thread around it is read, the message is not read twice.
    ts: message.ts,
    ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
    files: message.files,
  });
  const refused = await answerInSlack(
    runtime,
    {
      address,
      author: asker.user,
      text: plainText(message.text, self.userId),
      // The analyzed message may already be in memory (read, or asked): the request is the shortcut's own.
      messageId: shortcut.action_ts,
      eventId,
      mode: "analyze",
      context,
    },
    { channel, threadTs },
  );
  // The shortcut works in channels Guru is not in: the person learns why nothing appeared.
  if (refused !== null) await note(cannotPostText(refused));
}
