import type { ServerStats } from "../engine.js";
import { RecentSpeeds } from "../recentSpeeds.js";
import { AnswerWatch } from "./answerWatch.js";
import type { ServerBackend, ServerHealth } from "./serverBackend.js";

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
  /** Requests running here, watched for the server leaving rotation. */
  private readonly watches = new Set<AnswerWatch>();

  constructor(
    readonly backend: ServerBackend,
    /** Overrides what the server reports (an operator's limit). */
    private readonly configuredSlots: number | undefined,
    /** How long an answer already streaming may stay silent once the server is out of rotation. */
    private readonly stallMs: number,
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
    for (const watch of [...this.watches]) {
      if (this.healthy) watch.serverBack();
      else watch.serverLeft(health.healthy ? "" : health.reason);
    }
    return this.healthy ? "joined" : "left";
  }

  /** Follows a request sent here while it runs (see `AnswerWatch`); `settle` ends the watch. */
  watch(): AnswerWatch {
    const watch = new AnswerWatch(this.url, this.stallMs, (settled) => this.watches.delete(settled));
    this.watches.add(watch);
    return watch;
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
