import type { ServerResponse } from "node:http";
import type { ChatBot } from "../bots/chatBot.js";
import type { EngineStats } from "../engine/engine.js";
import type { RequestObserver } from "../service/requestObserver.js";
import { openEventStream } from "./httpExchange.js";
import { type FrontSample, LiveSamples } from "./liveSamples.js";

/** How often the engine is sampled: the live view's resolution. */
export const sampleIntervalMs = 1000;

/**
 * Samples the engine's stats every second into an hour's ring and pushes each sample to every
 * page watching (`GET /api/live`, Server-Sent Events: `history` once, then `sample`s).
 */
export class LiveFeed {
  readonly samples = new LiveSamples();
  /** Told of every request the service handles: each answer's time to first token is charted. */
  readonly requests: RequestObserver = {
    requestStarted: () => {},
    requestEnded: ({ outcome }) => {
      if (outcome.kind === "answered" && outcome.usage) this.samples.recordAnswer(outcome.usage);
    },
  };
  /** Each watching page's response, with its event writer. */
  private readonly watchers = new Map<ServerResponse, (event: string, data: unknown) => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly stats: () => EngineStats,
    /** The fronts `guru start` serves, the console among them (none when it does not say). */
    private readonly fronts: () => readonly ChatBot[],
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), sampleIntervalMs);
    this.timer.unref();
  }

  subscribe(response: ServerResponse): void {
    const send = openEventStream(response);
    send("history", this.samples.all());
    this.watchers.set(response, send);
    response.on("close", () => this.watchers.delete(response));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const response of this.watchers.keys()) response.end();
    this.watchers.clear();
  }

  private sample(): void {
    const sample = this.samples.add(this.stats(), this.fronts().map(frontSample), Date.now());
    for (const send of this.watchers.values()) send("sample", sample);
  }
}

function frontSample(front: ChatBot): FrontSample {
  const readiness = front.readiness();
  return readiness.ready
    ? { name: front.name, ready: true }
    : { name: front.name, ready: false, reason: readiness.reason };
}
