/** `final`: the edit that shows a finished reply; `interim`: one of the edits while it streams. */
export type EditPriority = "final" | "interim";

export interface EditBudgetPolicy {
  /** Edits a minute, sustained. */
  readonly perMinute: number;
  /** Edits that may go at once after a quiet spell; at most `burst + perMinute` fit in any minute. */
  readonly burst: number;
  /** Edits kept back for final edits: streaming edits never take the last ones. */
  readonly finalReserve: number;
}

interface Waiter {
  readonly grant: (granted: boolean) => void;
  readonly signal: AbortSignal | undefined;
}

/**
 * One edit budget shared by every reply in a workspace: a token bucket. Final edits go first and
 * may use the whole bucket; streaming edits wait in one line and take turns (a reply asks again
 * only after its last edit), so each active reply gets a fair share, and they leave
 * `finalReserve` tokens for the finals.
 */
export class EditBudget {
  private tokens: number;
  private refilledAt = Date.now();
  private readonly finals: Waiter[] = [];
  private readonly interims: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly policy: EditBudgetPolicy) {
    this.tokens = policy.burst;
  }

  /** Resolves `true` once an edit of this priority may be sent; `false` if `signal` aborted first. */
  take(priority: EditPriority, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const line = priority === "final" ? this.finals : this.interims;
      const waiter: Waiter = { grant: resolve, signal };
      line.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const index = line.indexOf(waiter);
          if (index < 0) return;
          line.splice(index, 1);
          resolve(false);
        },
        { once: true },
      );
      this.grant();
    });
  }

  /** The platform refused an edit for going too fast: nobody edits for `ms`, then the budget refills. */
  holdFor(ms: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, (-ms * this.policy.perMinute) / 60_000);
    this.grant();
  }

  /** Gives back a token taken for an edit that turned out not to be needed. */
  refund(): void {
    this.refill();
    this.tokens = Math.min(this.policy.burst, this.tokens + 1);
    this.grant();
  }

  private grant(): void {
    this.refill();
    while (this.finals.length > 0 && this.tokens >= 1) this.hand(this.finals);
    while (
      this.finals.length === 0 &&
      this.interims.length > 0 &&
      this.tokens >= 1 + this.policy.finalReserve
    ) {
      this.hand(this.interims);
    }
    this.schedule();
  }

  private hand(line: Waiter[]): void {
    const waiter = line.shift();
    if (!waiter) return;
    this.tokens -= 1;
    waiter.grant(true);
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(
      this.policy.burst,
      this.tokens + ((now - this.refilledAt) * this.policy.perMinute) / 60_000,
    );
    this.refilledAt = now;
  }

  /** Wakes up when the next waiter's token will have refilled. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const needed =
      this.finals.length > 0 ? 1 : this.interims.length > 0 ? 1 + this.policy.finalReserve : null;
    if (needed === null) return;
    const waitMs = Math.ceil(((needed - this.tokens) * 60_000) / this.policy.perMinute);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.grant();
      },
      Math.max(1, waitMs),
    );
  }
}
