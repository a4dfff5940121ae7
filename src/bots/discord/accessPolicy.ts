import type { DiscordConfig } from "../../config/configSchema.js";
import type { DiscordPlace } from "./discordPlace.js";

export interface DiscordCaller extends DiscordPlace {
  readonly userId: string;
  /** The member's roles; empty in DMs. */
  readonly roleIds: readonly string[];
}

/**
 * The optional allowlists: each one that is set must admit the caller. A thread counts as its
 * parent channel. DMs have no guild, channel or role to check, so when any of those lists is set
 * a DM is answered only for a listed user — a server-restricted Guru must not open up through DMs.
 * Admins pass every list.
 */
export class AccessPolicy {
  private readonly guilds: ReadonlySet<string>;
  private readonly channels: ReadonlySet<string>;
  private readonly roles: ReadonlySet<string>;
  private readonly users: ReadonlySet<string>;
  private readonly admins: ReadonlySet<string>;

  constructor(config: Pick<DiscordConfig, "allow" | "admins">) {
    this.guilds = new Set(config.allow.guilds);
    this.channels = new Set(config.allow.channels);
    this.roles = new Set(config.allow.roles);
    this.users = new Set(config.allow.users);
    this.admins = new Set(config.admins);
  }

  isAdmin(userId: string): boolean {
    return this.admins.has(userId);
  }

  allows(caller: DiscordCaller): boolean {
    if (this.isAdmin(caller.userId)) return true;
    if (this.users.size > 0 && !this.users.has(caller.userId)) return false;
    if (caller.guildId === null) {
      const placeRestricted = this.guilds.size > 0 || this.channels.size > 0 || this.roles.size > 0;
      return !placeRestricted || this.users.has(caller.userId);
    }
    if (this.guilds.size > 0 && !this.guilds.has(caller.guildId)) return false;
    const channel = caller.parentChannelId ?? caller.channelId;
    if (this.channels.size > 0 && !this.channels.has(channel)) return false;
    return this.roles.size === 0 || caller.roleIds.some((role) => this.roles.has(role));
  }
}
