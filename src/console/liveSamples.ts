import type { EngineStats } from "../engine/engine.js";
import type { GenerationUsage } from "../engine/generationTypes.js";

/** One server's health and load at a sample. */
export interface ServerSample {
  readonly url: string;
  readonly healthy: boolean;
  readonly reason?: string;
  readonly slots: number;
  readonly busy: number;
  readonly tokensPerSecond: number;
}

/** One front of `guru start` (Slack, Discord, MCP over HTTP, the console) and whether it is connected. */
export interface FrontSample {
  readonly name: string;
  readonly ready: boolean;
  /** Why it is not ready (absent when it is). */
  readonly reason?: string;
}

/** The engine at one moment, as the live view charts it. */
export interface LiveSample {
  /** ms since the epoch. */
  readonly at: number;
  readonly slots: number;
  readonly busy: number;
  readonly waiting: number;
  /** Mean decode speed of the last few answers. */
  readonly tokensPerSecond: number;
  readonly completed: number;
  /** Mean time to first token of the answers seen since the previous sample; null when none. */
  readonly timeToFirstTokenMs: number | null;
  readonly servers: readonly ServerSample[];
  readonly fronts: readonly FrontSample[];
}

/**
 * The last `capacity` samples of the engine's stats, oldest first, in a ring: an hour at one a
 * second by default. Answers' times to first token are folded into the next sample.
 */
export class LiveSamples {
  private readonly ring: LiveSample[] = [];
  private next = 0;
  private firstTokenTimes: number[] = [];

  constructor(private readonly capacity = 3600) {}

  /** Notes an answer's usage (its time to first token goes into the next sample). */
  recordAnswer(usage: GenerationUsage): void {
    this.firstTokenTimes.push(usage.timeToFirstTokenMs);
  }

  add(stats: EngineStats, fronts: readonly FrontSample[], at: number): LiveSample {
    const times = this.firstTokenTimes;
    this.firstTokenTimes = [];
    const sample: LiveSample = {
      at,
      slots: stats.slots,
      busy: stats.busy,
      waiting: stats.waiting,
      tokensPerSecond: stats.recentTokensPerSecond,
      completed: stats.completed,
      timeToFirstTokenMs: times.length === 0 ? null : times.reduce((a, b) => a + b, 0) / times.length,
      servers: stats.servers.map((server) => ({
        url: server.url,
        healthy: server.healthy,
        ...(server.reason === undefined ? {} : { reason: server.reason }),
        slots: server.slots,
        busy: server.busy,
        tokensPerSecond: server.recentTokensPerSecond,
      })),
      fronts,
    };
    if (this.ring.length < this.capacity) this.ring.push(sample);
    else this.ring[this.next] = sample;
    this.next = (this.next + 1) % this.capacity;
    return sample;
  }

  /** Oldest first. */
  all(): LiveSample[] {
    return this.ring.length < this.capacity
      ? [...this.ring]
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
