import { z } from "zod";

/**
 * Where a message lives, in platform-neutral terms. Bots build it from their platform's ids;
 * memory derives privacy scopes from it. `space` is the Slack workspace or Discord guild and is
 * `null` for direct messages, which are their own private space.
 */
export const conversationAddressSchema = z.object({
  platform: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  space: z.string().min(1).max(128).nullable(),
  channel: z.string().min(1).max(128),
  thread: z.string().min(1).max(128).nullable(),
});

export type ConversationAddress = z.infer<typeof conversationAddressSchema>;

export function isDirect(address: ConversationAddress): boolean {
  return address.space === null;
}

/** Ids are escaped so a `:` inside one can never forge another conversation's key. */
function part(id: string): string {
  return encodeURIComponent(id);
}

/** A workspace literally named "dm" must not read as a direct message. */
function spacePart(space: string): string {
  return space === "dm" ? "%64m" : part(space);
}

/**
 * The stable string key of a conversation: `slack:T1:C1:1712.0001` (thread), `discord:G1:C1`
 * (channel), `discord:dm:D1` (direct message).
 */
export function conversationKey(address: ConversationAddress): string {
  const space = address.space === null ? "dm" : spacePart(address.space);
  const thread = address.thread === null ? "" : `:${part(address.thread)}`;
  return `${address.platform}:${space}:${part(address.channel)}${thread}`;
}

/** The key every conversation in the same channel (or the same DM) shares. */
export function channelScopeKey(address: ConversationAddress): string {
  return conversationKey({ ...address, thread: null });
}
