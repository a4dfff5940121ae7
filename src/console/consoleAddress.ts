import { randomUUID } from "node:crypto";
import type { ConversationAddress } from "../conversation/conversationAddress.js";

/**
 * The console is the workstation owner's own private space, like the terminal's: each chat is a
 * conversation (a thread) of one channel, so a chat can build on the console's earlier analyses,
 * and no console address can ever match a Slack, Discord, MCP or terminal scope.
 */
export const consolePlatform = "console";

export const consoleChannel: ConversationAddress = {
  platform: consolePlatform,
  space: "local",
  channel: "local",
  thread: null,
};

/** The author of every console message: the person at the workstation. */
export const consoleAuthor = "owner";

export function consoleConversation(id: string): ConversationAddress {
  return { ...consoleChannel, thread: id };
}

export function newConsoleConversationId(): string {
  return `c-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}
