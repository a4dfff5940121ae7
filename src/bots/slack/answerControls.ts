import type { App, types } from "@slack/bolt";
import { z } from "zod";
import type { StopOutcome } from "../common/runningAnswers.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackCallError } from "./slackWebApi.js";

const stopActionId = "guru_stop";

/** The Stop button under an answer while it is queued or generating; its value is the question's event id. */
export function stopControls(answerId: string): types.ActionsBlock {
  return {
    type: "actions",
    block_id: "guru_controls",
    elements: [
      {
        type: "button",
        action_id: stopActionId,
        text: { type: "plain_text", text: "Stop" },
        style: "danger",
        value: answerId,
      },
    ],
  };
}

/** What Guru reads of a `block_actions` payload. */
const pressSchema = z.object({
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

export const stopNotes: Record<Exclude<StopOutcome, "stopped">, string> = {
  notAllowed: "Only the person who asked, or an admin, can stop this answer.",
  notRunning:
    "This answer is no longer running (it has finished, or Guru was restarted), so there is nothing to stop.",
};

/**
 * Registers the answer buttons' handlers on `app`. Each press is acknowledged at once, handled
 * once (a redelivered interaction, same trigger id, is ignored), and a press that cannot be done
 * is told to the presser alone.
 */
export function registerAnswerControls(app: App, runtime: SlackRuntime): void {
  app.action(stopActionId, async ({ ack, body }) => {
    await ack();
    const press = pressSchema.safeParse(body);
    if (!press.success) {
      runtime.logger.warn("ignored a Stop press Guru could not read");
      return;
    }
    const { trigger_id, user, channel, message, actions } = press.data;
    if (!runtime.seen.add(`slack:press:${trigger_id}`)) return;
    const answerId = actions[0]?.value ?? "";
    const isAdmin = runtime.gate.isAdmin(user.id);
    const outcome = runtime.running.stop(answerId, user.id, isAdmin);
    if (outcome === "stopped") return;
    try {
      await runtime.api.postEphemeral(channel.id, user.id, stopNotes[outcome], message?.thread_ts);
    } catch (error) {
      // Logged by the API layer with Slack's error code; the presser simply sees nothing.
      if (!(error instanceof SlackCallError)) throw error;
    }
  });
}
