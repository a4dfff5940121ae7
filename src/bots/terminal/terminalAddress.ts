import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import type { ConversationRequest, RequestMode } from "../../service/conversationRequest.js";

/**
 * The workstation is one private space: `guru chat` is its main conversation, each one-off
 * `guru ask`/`analyze` a thread of it, so chat can build on earlier analyses.
 */
export const terminalChat: ConversationAddress = {
  platform: "terminal",
  space: "local",
  channel: "local",
  thread: null,
};

export function oneOffThread(): ConversationAddress {
  return { ...terminalChat, thread: `cli-${Date.now()}-${randomUUID().slice(0, 8)}` };
}

export function terminalAuthor(): string {
  try {
    return userInfo().username || "local";
  } catch {
    return "local";
  }
}

export function terminalRequest(
  address: ConversationAddress,
  text: string,
  mode: RequestMode,
): ConversationRequest {
  const id = randomUUID();
  return { address, author: terminalAuthor(), text, messageId: id, eventId: id, mode };
}
