import type { ReplyUpdate } from "../../service/replyUpdate.js";

/** Reads a reply to its end unseen, so the service can store what there was. */
export async function drain(updates: AsyncIterable<ReplyUpdate>): Promise<void> {
  for await (const _update of updates) {
    // Nothing to show: the reply has nowhere to go.
  }
}
