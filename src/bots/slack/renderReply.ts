import type { types } from "@slack/bolt";
import type { RequestMode } from "../../service/conversationRequest.js";
import type { Reply, ReplyUpdate } from "../../service/replyUpdate.js";
import { EditThrottle } from "../common/editThrottle.js";
import { analysisBlocks } from "./analysisBlocks.js";
import { escapeText, toMrkdwn } from "./mrkdwn.js";
import type { ReplyView } from "./replyView.js";

export const thinkingText = "_thinking…_";
const analyzingText = "_analyzing…_";
export const summarizingText = "_reading back through this conversation…_";

export function queuedText(position: number): string {
  return `:hourglass_flowing_sand: queued — position ${position}`;
}

export interface RenderOptions {
  readonly editIntervalMs: number;
  readonly mode: RequestMode;
  /** Shown under the reply while it is queued or generating (a Stop button); gone once it ends. */
  readonly whileRunning?: types.ActionsBlock;
  /** Shown under a finished answer or analysis (a Regenerate button). */
  readonly whenFinished?: types.ActionsBlock;
}

/**
 * Shows a reply stream in Slack: the placeholder at the first update (summarizing a long history,
 * the queue position, then "thinking…"), edits as the text grows — never more often than
 * `editIntervalMs`, and only when the workspace's edit budget gives this reply its turn — then the
 * final answer, analysis blocks, notice or failure message. A duplicate shows nothing. When
 * Slack refuses the placeholder the stream is abandoned, which cancels the generation: nobody
 * could see its answer.
 */
export async function renderReply(
  updates: AsyncIterable<ReplyUpdate>,
  view: ReplyView,
  options: RenderOptions,
): Promise<void> {
  view.controls = options.whileRunning ?? null;
  const throttle = new EditThrottle(
    options.editIntervalMs,
    (text) => view.showText(text, "interim"),
    (signal) => view.waitEditTurn(signal),
  );
  try {
    for await (const update of updates) {
      if (view.unreachable) return;
      switch (update.type) {
        case "duplicate":
          return;
        case "summarizing":
          // A slow step follows: the placeholder is posted before it starts, not on the throttle's timer.
          await view.showText(summarizingText);
          break;
        case "queued":
          throttle.show(queuedText(update.position));
          break;
        case "started":
          throttle.show(options.mode === "analyze" ? analyzingText : thinkingText);
          break;
        case "text":
          throttle.show(toMrkdwn(update.text).trim() || thinkingText);
          break;
        case "finished":
          view.controls = update.reply.kind === "notice" ? null : (options.whenFinished ?? null);
          await throttle.flush();
          await showReply(view, update.reply);
          return;
        case "failed": {
          view.controls = null;
          await throttle.flush();
          const notice = `:warning: ${escapeText(update.message)}`;
          const partial = toMrkdwn(update.partialText).trim();
          await view.showText(partial ? `${partial}\n\n${notice}` : notice);
          return;
        }
      }
    }
  } finally {
    await throttle.flush();
    view.controls = null;
  }
}

function showReply(view: ReplyView, reply: Reply): Promise<void> {
  if (reply.kind === "analysis")
    return view.showBlocks(toMrkdwn(reply.markdown), analysisBlocks(reply.analysis, reply.readNotes));
  return view.showText(toMrkdwn(reply.markdown).trim() || "_(The model gave an empty answer.)_");
}
