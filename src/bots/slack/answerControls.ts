import type { App, types } from "@slack/bolt";
import { z } from "zod";
import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import { parseJsonText } from "../common/jsonText.js";
import type { StopOutcome } from "../common/runningAnswers.js";
import { renderReply } from "./renderReply.js";
import { ReplyView } from "./replyView.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackCallError } from "./slackWebApi.js";

const stopActionId = "guru_stop";
const regenerateActionId = "guru_regenerate";

/** The Stop button under an answer while it is queued or generating; its value is the answer's id. */
export function stopControls(answerId: string): types.ActionsBlock {
  return controls({ action_id: stopActionId, text: "Stop", style: "danger", value: answerId });
}

/** What a Regenerate button names: the question, by its conversation and Slack message ts. */
const regenerateTargetSchema = z.object({
  space: z.string().nullable(),
  channel: z.string().min(1),
  thread: z.string().nullable(),
  messageId: z.string().min(1),
});

/** The Regenerate button under a finished answer or analysis to the question `messageId` at `address`. */
export function regenerateControls(address: ConversationAddress, messageId: string): types.ActionsBlock {
  const { space, channel, thread } = address;
  return controls({
    action_id: regenerateActionId,
    text: "Regenerate",
    value: JSON.stringify({ space, channel, thread, messageId } satisfies z.infer<
      typeof regenerateTargetSchema
    >),
  });
}

function controls(button: {
  action_id: string;
  text: string;
  value: string;
  style?: "danger";
}): types.ActionsBlock {
  const { text, ...rest } = button;
  return {
    type: "actions",
    block_id: "guru_controls",
    elements: [{ type: "button", text: { type: "plain_text", text }, ...rest }],
  };
}

/** What Guru reads of a `block_actions` payload. */
const pressSchema = z.object({
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1) }),
  team: z
    .object({ id: z.string().min(1) })
    .nullable()
    .optional(),
  channel: z.object({ id: z.string().min(1) }),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

type Press = z.infer<typeof pressSchema>;

export const stopNotes: Record<Exclude<StopOutcome, "stopped">, string> = {
  notAllowed: "Only the person who asked, or an admin, can stop this answer.",
  notRunning:
    "This answer is no longer running (it has finished, or Guru was restarted), so there is nothing to stop.",
};

export const regenerateNotes = {
  notFound: "I no longer keep this question (it was forgotten), so I cannot answer it again.",
  unfinished: "Only a finished answer can be regenerated; this one is still running or was cut short.",
  notAllowed: "Only the person who asked, or an admin, can regenerate this answer.",
  busy: "This answer is already being regenerated.",
} as const;

/**
 * Registers the answer buttons' handlers on `app`. Each press is acknowledged at once, handled
 * once (a redelivered interaction, same trigger id, is ignored), and a press that cannot be done
 * is told to the presser alone. `track`: the bot waits for a regeneration under way when it stops.
 */
export function registerAnswerControls(
  app: App,
  runtime: SlackRuntime,
  track: (work: Promise<void>) => void,
): void {
  app.action(stopActionId, async ({ ack, body }) => {
    await ack();
    const press = readPress(runtime, body);
    if (!press) return;
    const isAdmin = runtime.gate.isAdmin(press.user.id);
    const outcome = runtime.running.stop(press.actions[0]?.value ?? "", press.user.id, isAdmin);
    if (outcome !== "stopped") await tell(runtime, press, stopNotes[outcome]);
  });
  app.action(regenerateActionId, async ({ ack, body }) => {
    await ack();
    const press = readPress(runtime, body);
    if (press) track(regenerate(runtime, press));
  });
}

/** The press, once: null for a payload Guru cannot read or one it has handled already. */
function readPress(runtime: SlackRuntime, body: unknown): Press | null {
  const press = pressSchema.safeParse(body);
  if (!press.success) {
    runtime.logger.warn("ignored a button press Guru could not read");
    return null;
  }
  return runtime.seen.add(`slack:press:${press.data.trigger_id}`) ? press.data : null;
}

/** A new answer to the same question, shown in place of the old one (the pressed message is edited). */
async function regenerate(runtime: SlackRuntime, press: Press): Promise<void> {
  const target = parseJsonText(regenerateTargetSchema, press.actions[0]?.value ?? "");
  // The button names its own conversation: one in another channel or workspace is not Guru's.
  if (
    !target ||
    target.channel !== press.channel.id ||
    (target.space !== null && target.space !== press.team?.id)
  ) {
    runtime.logger.warn("ignored a Regenerate press for another conversation");
    return;
  }
  const { messageId, ...where } = target;
  const address = { platform: "slack", ...where };
  const user = press.user.id;
  const answerId = `regenerate:${press.channel.id}:${messageId}`;
  const stop = new AbortController();
  const outcome = runtime.service.regenerate(
    { address, messageId },
    { requester: user, isAdmin: runtime.gate.isAdmin(user) },
    { signal: stop.signal },
  );
  if (outcome.kind === "refused") return tell(runtime, press, regenerateNotes[outcome.reason]);
  // Registered only now: a refused press must not take the place of the regeneration under way.
  const running = runtime.running.start(answerId, user, stop);
  try {
    const place = {
      channel: press.channel.id,
      ...(press.message.thread_ts ? { threadTs: press.message.thread_ts } : {}),
    };
    const view = new ReplyView(runtime.api, place, runtime.edits, { placeholderTs: press.message.ts });
    await renderReply(outcome.updates, view, {
      editIntervalMs: runtime.config.editIntervalMs,
      mode: outcome.mode,
      whileRunning: stopControls(answerId),
      whenFinished: regenerateControls(address, messageId),
    });
  } finally {
    running.end();
  }
}

/** A note only the presser sees, where they pressed. */
async function tell(runtime: SlackRuntime, press: Press, text: string): Promise<void> {
  try {
    await runtime.api.postEphemeral(press.channel.id, press.user.id, text, press.message.thread_ts);
  } catch (error) {
    // Logged by the API layer with Slack's error code; the presser simply sees nothing.
    if (!(error instanceof SlackCallError)) throw error;
  }
}
