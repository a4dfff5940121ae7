import type { SlackConfig } from "../../config/configSchema.js";
import { type RateDecision, UserRateLimiter } from "../common/userRateLimiter.js";

/** Who is asking, and where: `channel` is null in a DM. */
export interface Asker {
  readonly team: string;
  readonly channel: string | null;
  readonly user: string;
}

/**
 * The optional allowlists (an empty list allows everyone) and the per-user rate limit. The
 * channel list applies to channels only: a DM is governed by the user list.
 */
export class AccessGate {
  private readonly limiter: UserRateLimiter;

  constructor(private readonly config: SlackConfig) {
    this.limiter = new UserRateLimiter(config.rateLimit);
  }

  admits(asker: Asker): boolean {
    const { workspaces, channels, users } = this.config.allow;
    return (
      allows(workspaces, asker.team) &&
      (asker.channel === null || allows(channels, asker.channel)) &&
      allows(users, asker.user)
    );
  }

  /** Counts one question against the user's rate. */
  takeQuestion(user: string): RateDecision {
    return this.limiter.take(user);
  }

  isAdmin(user: string): boolean {
    return this.config.admins.includes(user);
  }
}

function allows(list: readonly string[], id: string): boolean {
  return list.length === 0 || list.includes(id);
}
