import { randomUUID } from "node:crypto";
import type { ConversationAddress } from "../conversation/conversationAddress.js";

/** The channel a tool call uses when it names none. */
export const defaultChannel = "default";

const fallbackSpace = "client";

/**
 * The client's private space, from the name it gave in `initialize` (`Claude Code` →
 * `claude-code`). Every client is its own space, so one client never reads another's memory,
 * and no MCP address can ever match a Slack or Discord scope (the platform is `mcp`).
 */
export function clientSpace(clientName: string | undefined): string {
  const cleaned = (clientName ?? "")
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 64);
  return cleaned === "" ? fallbackSpace : cleaned;
}

export function mcpAddress(space: string, channel: string, conversation: string | null): ConversationAddress {
  return { platform: "mcp", space, channel, thread: conversation };
}

/** A fresh conversation id, returned to the client so it can ask follow-ups. */
export function newConversationId(): string {
  return `c-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}
