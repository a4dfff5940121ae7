export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimit {
  readonly requests: number;
  readonly windowSeconds: number;
}

/** A sliding window per user: at most `requests` in any `windowSeconds`. */
export class UserRateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  take(user: string): RateDecision {
    const now = this.now();
    const windowMs = this.limit.windowSeconds * 1000;
    const recent = (this.seen.get(user) ?? []).filter((at) => at > now - windowMs);
    if (recent.length >= this.limit.requests) {
      this.seen.set(user, recent);
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.seen.set(user, recent);
    if (this.seen.size > 10_000) this.forgetIdle(now - windowMs);
    return { allowed: true };
  }

  /** Keeps the map bounded under many distinct users. */
  private forgetIdle(before: number): void {
    for (const [user, times] of this.seen) {
      if ((times.at(-1) ?? 0) <= before) this.seen.delete(user);
    }
  }
}
