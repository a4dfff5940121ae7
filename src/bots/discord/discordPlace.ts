import type { ConversationAddress } from "../../conversation/conversationAddress.js";

/**
 * Where a Discord event happened, in ids only. A thread is its own channel on Discord; Guru files
 * it under its parent channel with the thread as the conversation, so channel memory and
 * channel allowlists cover their threads.
 */
export interface DiscordPlace {
  /** Null for a DM. */
  readonly guildId: string | null;
  readonly channelId: string;
  /** The parent channel when `channelId` is a thread. */
  readonly parentChannelId: string | null;
}

export function addressOf(place: DiscordPlace): ConversationAddress {
  if (place.guildId === null)
    return { platform: "discord", space: null, channel: place.channelId, thread: null };
  return place.parentChannelId === null
    ? { platform: "discord", space: place.guildId, channel: place.channelId, thread: null }
    : { platform: "discord", space: place.guildId, channel: place.parentChannelId, thread: place.channelId };
}

/** The service's exactly-once key: Discord ids are unique, the prefix keeps other platforms' ids apart. */
export function eventIdOf(kind: "message" | "interaction", id: string): string {
  return `discord:${kind}:${id}`;
}
