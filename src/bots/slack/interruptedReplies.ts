import { drain } from "../common/drainReply.js";
import { renderReply } from "./renderReply.js";
import { readReplyLocator, writeReplyLocator } from "./replyLocator.js";
import { type ReplyPlace, ReplyView } from "./replyView.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackCallError } from "./slackWebApi.js";

/**
 * Finishes the Slack replies a dead Guru process left: each stale placeholder ("thinking…") is
 * edited into the answer, or into the note to ask again — or, when the process died before
 * posting one, the reply is posted in the thread. The service hands each question to one process
 * once; notes go first, as answers take a slot each.
 */
export async function finishInterruptedReplies(runtime: SlackRuntime): Promise<void> {
  const claimed = runtime.service
    .claimInterrupted("slack")
    .sort((a, b) => Number(a.resumed) - Number(b.resumed));
  if (claimed.length > 0) runtime.logger.info(`finishing ${claimed.length} reply(ies) an earlier run left`);
  for (const interrupted of claimed) {
    const locator = readReplyLocator(interrupted.locator);
    if (!locator) {
      runtime.logger.warn(
        "a reply an earlier run left has a place this version cannot read; storing it unseen",
      );
      await drain(interrupted.updates);
      continue;
    }
    const { ts, marker, ...place } = locator;
    // Killed between posting the placeholder and noting its ts: Slack still knows it by its marker.
    const placeholderTs = ts ?? (marker ? await findPlaceholder(runtime, place, marker) : null);
    // A reply posted anew (no placeholder was left) is noted too: a second crash edits it, never posts twice.
    const onPosted = (posted: string) =>
      runtime.service.locateReply(interrupted.eventId, writeReplyLocator(place, { ts: posted }));
    await renderReply(
      interrupted.updates,
      new ReplyView(
        runtime.api,
        place,
        placeholderTs ? { placeholderTs } : { onPosted, ...(marker ? { marker } : {}) },
      ),
      {
        editIntervalMs: runtime.config.editIntervalMs,
        mode: interrupted.mode,
      },
    );
  }
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
