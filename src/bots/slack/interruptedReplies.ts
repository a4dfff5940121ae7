import { finishInterrupted } from "../common/interruptedReplies.js";
import { renderReply } from "./renderReply.js";
import { readReplyLocator, writeReplyLocator } from "./replyLocator.js";
import { type ReplyPlace, ReplyView } from "./replyView.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackCallError } from "./slackWebApi.js";

/**
 * Finishes the Slack replies a dead Guru process left: each stale placeholder ("thinking…") is
 * edited into the answer, or into the note to ask again — or, when the process died before
 * posting one, the reply is posted in the thread.
 */
export function finishInterruptedReplies(runtime: SlackRuntime): Promise<void> {
  return finishInterrupted(runtime.service, "slack", {
    readLocator: readReplyLocator,
    logger: runtime.logger,
    finish: async (interrupted, { ts, marker, ...place }) => {
      // Killed between posting the placeholder and noting its ts: Slack still knows it by its marker.
      const placeholderTs = ts ?? (marker ? await findPlaceholder(runtime, place, marker) : null);
      // A reply posted anew (no placeholder was left) is noted too: a second crash edits it, never posts twice.
      const onPosted = (posted: string) =>
        runtime.service.locateReply(interrupted.eventId, writeReplyLocator(place, { ts: posted }));
      const view = new ReplyView(
        runtime.api,
        place,
        runtime.edits,
        placeholderTs ? { placeholderTs } : { onPosted, ...(marker ? { marker } : {}) },
      );
      await renderReply(interrupted.updates, view, {
        editIntervalMs: runtime.config.editIntervalMs,
        mode: interrupted.mode,
      });
    },
  });
}

async function findPlaceholder(
  runtime: SlackRuntime,
  place: ReplyPlace,
  marker: string,
): Promise<string | null> {
  try {
    return await runtime.api.findPost(place, marker);
  } catch (error) {
    if (!(error instanceof SlackCallError)) throw error;
    return null;
  }
}
