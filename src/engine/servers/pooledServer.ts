import type { ServerStats } from "../engine.js";
import { RecentSpeeds } from "../recentSpeeds.js";
import { type ServerBackend, ServerFailure, type ServerHealth } from "./serverBackend.js";

/** What the last check that answered said (kept while the server is down, for status lines). */
interface KnownFacts {
  readonly model: string;
  readonly slots: number;
  readonly contextSize: number;
}

/** One server in the pool: its backend, its health, and the requests running on it now. */
export class PooledServer {
  readonly speeds = new RecentSpeeds();
  busy = 0;
  private known: KnownFacts | undefined;
  private downReason: string | undefined = "not checked yet";
  /** Requests sent here that have had no token yet (a server holds them in its own line). */
  private readonly unanswered = new Set<AbortController>();

  constructor(
    readonly backend: ServerBackend,
    /** Overrides what the server reports (an operator's limit). */
    private readonly configuredSlots: number | undefined,
  ) {}

  get url(): string {
    return this.backend.url;
  }

  get healthy(): boolean {
    return this.downReason === undefined;
  }

  /** Requests it may run at once while in rotation. */
  get slots(): number {
    return this.configuredSlots ?? this.known?.slots ?? 1;
  }

  /** Share of its slots in use: the router sends work to the lowest. */
  get load(): number {
    return this.busy / this.slots;
  }

  get contextSize(): number {
    return this.known?.contextSize ?? 0;
  }

  get reason(): string | undefined {
    return this.downReason;
  }

  /** Takes a check's result; says whether the server joined or left rotation. */
  apply(health: ServerHealth): "joined" | "left" | "same" {
    const wasHealthy = this.healthy;
    if (health.healthy) {
      this.known = { model: health.model, slots: health.slots, contextSize: health.contextSize };
      this.downReason = undefined;
    } else {
      this.downReason = health.reason;
    }
    if (wasHealthy === this.healthy) return "same";
    if (!this.healthy) this.releaseUnanswered(health.healthy ? "" : health.reason);
    return this.healthy ? "joined" : "left";
  }

  /**
   * Follows a request sent here until its first token: if the server leaves rotation before
   * that, `signal` aborts with a failure that lets the request move to another server instead
   * of waiting on one that may never answer. `settle` ends the watch.
   */
  watchFirstToken(): { readonly signal: AbortSignal; readonly settle: () => void } {
    const watch = new AbortController();
    this.unanswered.add(watch);
    return { signal: watch.signal, settle: () => this.unanswered.delete(watch) };
  }

  private releaseUnanswered(reason: string): void {
    for (const watch of this.unanswered) {
      watch.abort(
        new ServerFailure(`${this.url} left rotation before answering: ${reason}`, {
          started: false,
          serverFault: false,
        }),
      );
    }
    this.unanswered.clear();
  }

  stats(): ServerStats {
    return {
      url: this.url,
      kind: this.backend.kind,
      healthy: this.healthy,
      ...(this.downReason === undefined ? {} : { reason: this.downReason }),
      model: this.known?.model ?? "",
      slots: this.slots,
      busy: this.busy,
      contextSize: this.contextSize,
      recentTokensPerSecond: this.speeds.mean(),
    };
  }
}
