import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ConversationService } from "../service/conversationService.js";
import type { PlatformCallObserver } from "../service/platformCallObserver.js";
import type { Readiness } from "../service/readiness.js";
import type { RequestObserver, RequestReport } from "../service/requestObserver.js";

/** What the metrics read when scraped: the service's figures (absent while the model loads) and each part's readiness. */
export interface MetricSources {
  service(): Pick<ConversationService, "status" | "databaseBytes"> | null;
  readiness(): ReadonlyMap<string, Readiness>;
}

const second = 1000;

/**
 * Guru's Prometheus metrics in a registry of their own: counters and histograms fed by the
 * service's request observer and the fronts' platform calls, gauges read from the service's stats
 * at each scrape, and prom-client's standard process and Node.js metrics.
 */
export class OperationsMetrics implements RequestObserver, PlatformCallObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<"front" | "mode" | "outcome" | "code">;
  private readonly inProgress: Gauge<"front">;
  private readonly duration: Histogram<"front" | "outcome">;
  private readonly firstToken: Histogram<"front">;
  private readonly promptTokens: Counter<"front">;
  private readonly generatedTokens: Counter<"front">;
  private readonly apiErrors: Counter<"platform" | "code">;
  private readonly rateLimits: Counter<"platform">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "guru_requests_total",
      help: "Requests the service finished, by front, mode and outcome (answered, refused, failed, duplicate); code: why it was refused or failed.",
      labelNames: ["front", "mode", "outcome", "code"],
      registers,
    });
    this.inProgress = new Gauge({
      name: "guru_requests_in_progress",
      help: "Requests the service is handling now (waiting for a slot, summarizing or generating).",
      labelNames: ["front"],
      registers,
    });
    this.duration = new Histogram({
      name: "guru_request_duration_seconds",
      help: "From the service taking a request to its last update.",
      labelNames: ["front", "outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120, 300],
      registers,
    });
    this.firstToken = new Histogram({
      name: "guru_time_to_first_token_seconds",
      help: "From entering the engine's queue to the first token of an answer.",
      labelNames: ["front"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
      registers,
    });
    this.promptTokens = new Counter({
      name: "guru_prompt_tokens_total",
      help: "Prompt tokens of answered requests.",
      labelNames: ["front"],
      registers,
    });
    this.generatedTokens = new Counter({
      name: "guru_generated_tokens_total",
      help: "Tokens generated for answered requests.",
      labelNames: ["front"],
      registers,
    });
    this.apiErrors = new Counter({
      name: "guru_platform_api_errors_total",
      help: "Error answers of a platform's API (each try of a call), by platform and code: the platform's error code, or http_<status>.",
      labelNames: ["platform", "code"],
      registers,
    });
    this.rateLimits = new Counter({
      name: "guru_platform_rate_limits_total",
      help: "Times a platform's rate limit held a call back: an HTTP 429, or a wait discord.js took to stay within a bucket.",
      labelNames: ["platform"],
      registers,
    });
    const stat = (read: (service: NonNullable<ReturnType<MetricSources["service"]>>) => number) =>
      function (this: Gauge) {
        const service = sources.service();
        if (service) this.set(read(service));
      };
    new Gauge({
      name: "guru_requests_waiting",
      help: "Generations waiting in the engine's queue for a free slot.",
      registers,
      collect: stat((service) => service.status().waiting),
    });
    new Gauge({
      name: "guru_slots_busy",
      help: "Engine slots generating now.",
      registers,
      collect: stat((service) => service.status().busy),
    });
    new Gauge({
      name: "guru_slots",
      help: "Engine slots: generations that can run at once.",
      registers,
      collect: stat((service) => service.status().slots),
    });
    new Gauge({
      name: "guru_tokens_per_second",
      help: "Mean decode speed of the last few answers (0 before the first).",
      registers,
      collect: stat((service) => service.status().recentTokensPerSecond),
    });
    new Gauge({
      name: "guru_memory_database_bytes",
      help: "Size of the memory database on disk, its write-ahead log included.",
      registers,
      collect: stat((service) => service.databaseBytes()),
    });
    new Gauge({
      name: "guru_ready",
      help: "1 when a part (the engine, each configured front) is ready, else 0.",
      labelNames: ["part"],
      registers,
      collect(this: Gauge<"part">) {
        this.reset();
        for (const [part, readiness] of sources.readiness()) this.set({ part }, readiness.ready ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  requestStarted(front: string): void {
    this.inProgress.inc({ front });
  }

  requestEnded({ front, mode, outcome, durationMs }: RequestReport): void {
    this.inProgress.dec({ front });
    this.requests.inc({
      front,
      mode,
      outcome: outcome.kind,
      ...("code" in outcome ? { code: outcome.code } : {}),
    });
    if (outcome.kind === "duplicate") return;
    this.duration.observe({ front, outcome: outcome.kind }, durationMs / second);
    if (outcome.kind !== "answered" || !outcome.usage) return;
    const { usage } = outcome;
    this.firstToken.observe({ front }, usage.timeToFirstTokenMs / second);
    this.promptTokens.inc({ front }, usage.promptTokens);
    this.generatedTokens.inc({ front }, usage.generatedTokens);
  }

  apiError(platform: string, code: string): void {
    this.apiErrors.inc({ platform, code });
  }

  rateLimited(platform: string): void {
    this.rateLimits.inc({ platform });
  }

  /** The text a scrape gets, in Prometheus' exposition format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
