import { randomUUID } from "node:crypto";
import type { ConversationAddress } from "../conversation/conversationAddress.js";
import type { ErrorCode } from "../errors.js";
import type { ConversationRequest, RequestMode } from "../service/conversationRequest.js";
import type { Reply } from "../service/replyUpdate.js";
import { ProgressReporter, progressSender, type ToolExtra } from "./progressReporter.js";
import type { ToolContext } from "./toolContext.js";

export type ReplyOutcome =
  | { readonly type: "finished"; readonly reply: Reply }
  | { readonly type: "failed"; readonly code: ErrorCode; readonly message: string };

/**
 * Runs one prompt through the service and waits for how it ended, reporting progress on the way.
 * The client's cancellation (and server shutdown) aborts the generation, which frees its slot.
 */
export async function replyOutcome(
  context: ToolContext,
  address: ConversationAddress,
  prompt: string,
  mode: RequestMode,
  extra: ToolExtra,
): Promise<ReplyOutcome> {
  const progress = new ProgressReporter(progressSender(extra));
  const signal = AbortSignal.any([extra.signal, context.shutdown]);
  try {
    for await (const update of context.service.handle(mcpRequest(address, prompt, mode), { signal })) {
      await progress.report(update);
      if (update.type === "finished") return { type: "finished", reply: update.reply };
      if (update.type === "failed") return { type: "failed", code: update.code, message: update.message };
    }
  } finally {
    await progress.stop();
  }
  // Only a redelivered event ends without either, and every call here is a new event.
  return { type: "failed", code: "GENERATION_FAILED", message: "The request ended without an answer." };
}

function mcpRequest(address: ConversationAddress, text: string, mode: RequestMode): ConversationRequest {
  const id = randomUUID();
  // The client is the author: the queue is fair across clients, and forgetting is per client.
  return { address, author: address.space ?? "client", text, messageId: id, eventId: `mcp:${id}`, mode };
}
