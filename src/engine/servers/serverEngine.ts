import type { EngineConfig } from "../../config/configSchema.js";
import { GuruError, isGuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import { abortReason } from "../abortReason.js";
import type { Engine, EngineStats } from "../engine.js";
import type { EventChannel } from "../eventChannel.js";
import type { GenerationEvent, GenerationRequest } from "../generationTypes.js";
import { doneEvent, usageOf } from "../generationUsage.js";
import { drainQueue } from "../queueDrain.js";
import { RecentSpeeds } from "../recentSpeeds.js";
import { runSignal } from "../runSignal.js";
import { samplingFor } from "../sampling.js";
import { engineUnavailable, SlotQueue } from "../slotQueue.js";
import { streamedRun } from "../streamedRun.js";
import { HealthChecker } from "./healthChecker.js";
import { PooledServer } from "./pooledServer.js";
import { type ServerBackend, ServerFailure, type ServerOutcome } from "./serverBackend.js";
import { ServerPool } from "./serverPool.js";

/** A server to answer through, with the operator's limit on its slots if any. */
export interface ConfiguredServer {
  readonly backend: ServerBackend;
  readonly slots?: number;
}

export interface ServerEngineOptions {
  readonly servers: readonly ConfiguredServer[];
  readonly config: EngineConfig;
  readonly logger: Logger;
}

/**
 * Answers through inference servers. One fair queue (the same SlotQueue as the embedded engine)
 * admits as many requests as the healthy servers have slots; each admitted request goes to the
 * server that answered its conversation last, else the least busy one. A request that fails
 * before its first token moves once to another server; health checks take servers out of
 * rotation and back.
 */
export class ServerEngine implements Engine {
  private readonly queue: SlotQueue;
  private readonly pool: ServerPool;
  private readonly checker: HealthChecker;
  private readonly shutdown = new AbortController();
  private readonly speeds = new RecentSpeeds();
  private completed = 0;

  private constructor(
    servers: readonly ConfiguredServer[],
    private readonly config: EngineConfig,
    private readonly logger: Logger,
  ) {
    this.queue = new SlotQueue({
      slots: 0,
      maxWaiting: config.maxWaiting,
      maxWaitingPerUser: config.maxWaitingPerUser,
    });
    this.pool = new ServerPool(
      // A silence of one check interval and its timeout: by then the server has failed a check.
      servers.map(
        ({ backend, slots }) =>
          new PooledServer(backend, slots, config.healthCheckMs + config.healthCheckTimeoutMs),
      ),
      (slots) => this.queue.resize(slots),
      logger,
    );
    this.checker = new HealthChecker(this.pool, {
      intervalMs: config.healthCheckMs,
      timeoutMs: config.healthCheckTimeoutMs,
    });
  }

  /** Checks every server once and starts even if some (or all) are down, saying which. */
  static async open(options: ServerEngineOptions): Promise<ServerEngine> {
    if (options.servers.length === 0)
      throw new GuruError(
        "CONFIG_INVALID",
        "No inference server is configured. Set GURU_SERVERS or engine.servers, or use a local model.",
      );
    const engine = new ServerEngine(options.servers, options.config, options.logger);
    await engine.checker.checkAll();
    engine.checker.start();
    const servers = engine.pool.stats();
    const down = servers.filter((server) => !server.healthy);
    if (down.length === servers.length)
      options.logger.warn("no inference server answers yet; requests are refused until one does", {
        servers: down.map((server) => `${server.url}: ${server.reason}`),
      });
    else if (down.length > 0)
      options.logger.warn(`${down.length} of ${servers.length} inference servers are down`, {
        servers: down.map((server) => `${server.url}: ${server.reason}`),
      });
    return engine;
  }

  generate(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    return streamedRun((channel, abandoned) => this.run(request, channel, abandoned));
  }

  /**
   * No tokenizer here, yet memory budgets need a count at once: UTF-8 bytes ÷ 3 over-counts
   * English (≈ 4 bytes a token) and matches CJK (3 bytes a character, ≈ 1 token), so a prompt
   * built on it fits; a server that still finds it too long answers INPUT_TOO_LONG.
   */
  countTokens(text: string): number {
    return Math.ceil(Buffer.byteLength(text, "utf8") / 3);
  }

  refusal(owner: string): GuruError | undefined {
    return this.queue.refusal(owner);
  }

  stats(): EngineStats {
    const queue = this.queue.stats();
    const servers = this.pool.stats();
    const models = [...new Set(servers.map((server) => server.model).filter(Boolean))];
    return {
      kind: "servers",
      model: models.join(", ") || "unknown (no server has answered)",
      backend: { kind: "servers", deviceNames: servers.map((server) => server.url), cpuMathCores: 0 },
      threads: 0,
      slots: queue.slots,
      busy: queue.busy,
      waiting: queue.waiting,
      contextSize: this.pool.smallestContext() || this.config.contextSize,
      recentTokensPerSecond: this.speeds.mean(),
      completed: this.completed,
      servers,
    };
  }

  drain(graceMs: number = this.config.drainGraceMs): Promise<void> {
    return drainQueue(this.queue, graceMs, this.shutdown);
  }

  async close(): Promise<void> {
    this.checker.stop();
    await this.drain();
  }

  private async run(
    request: GenerationRequest,
    channel: EventChannel<GenerationEvent>,
    abandoned: AbortSignal,
  ): Promise<void> {
    const queuedAt = performance.now();
    const stop = runSignal(request.timeoutMs ?? this.config.requestTimeoutMs, [
      request.signal,
      abandoned,
      this.shutdown.signal,
    ]);
    try {
      const lease = await this.queue.acquire(request.owner, {
        signal: stop.signal,
        onPosition: (position) => channel.push({ type: "queued", position }),
      });
      try {
        const startedAt = performance.now();
        const first = this.pool.take(request.conversation);
        if (!first) throw engineUnavailable();
        channel.push({ type: "started", slot: lease.slot, server: first.url });
        const { server, outcome } = await this.answerWithRetry(request, first, channel, stop.signal);
        const usage = usageOf(outcome, { queuedAt, startedAt, endedAt: performance.now() });
        this.completed += 1;
        this.speeds.record(usage.tokensPerSecond);
        server.speeds.record(usage.tokensPerSecond);
        channel.push(doneEvent(outcome, usage, outcome.probabilities));
      } finally {
        lease.release();
      }
    } catch (error) {
      if (isGuruError(error)) throw error;
      this.logger.error("generation failed", { error });
      throw new GuruError(
        "GENERATION_FAILED",
        "The inference server failed while answering. Please try again.",
        {
          cause: error,
        },
      );
    } finally {
      stop.dispose();
    }
  }

  /** Runs on `first`; a failure before any text moves the request once to another server. */
  private async answerWithRetry(
    request: GenerationRequest,
    first: PooledServer,
    channel: EventChannel<GenerationEvent>,
    signal: AbortSignal,
  ): Promise<{ server: PooledServer; outcome: ServerOutcome }> {
    let textSent = false;
    const attempt = async (server: PooledServer) => {
      let answered = false;
      const watch = server.watch();
      try {
        const outcome = await server.backend.generate({
          turns: request.turns,
          maxTokens: request.maxTokens ?? this.config.maxTokens,
          sampling: samplingFor(request, this.config),
          ...(request.jsonSchema ? { jsonSchema: request.jsonSchema } : {}),
          ignoreEndOfText: request.ignoreEndOfText ?? false,
          signal: AbortSignal.any([signal, watch.signal]),
          onText: (delta) => {
            watch.text();
            textSent = true;
            channel.push({ type: "text", delta });
          },
        });
        answered = true;
        return { server, outcome };
      } catch (error) {
        // The server left rotation (before answering, or then fell silent): whatever the backend
        // made of the abort, the watch's failure says what happened.
        const left = watch.signal.aborted && !signal.aborted ? watch.signal.reason : error;
        throw this.judge(server, left, signal, textSent);
      } finally {
        watch.settle();
        this.pool.give(server, request.conversation, answered);
      }
    };
    try {
      return await attempt(first);
    } catch (failure) {
      if (!(failure instanceof RetryableFailure)) throw failure;
      const second = this.pool.take(request.conversation, first) ?? this.pool.take(request.conversation);
      if (!second) throw engineUnavailable();
      this.logger.warn(`retrying on ${second.url} after ${first.url} failed before answering`, {
        error: failure.message,
      });
      try {
        return await attempt(second);
      } catch (again) {
        if (again instanceof RetryableFailure)
          throw new GuruError(
            "GENERATION_FAILED",
            "Two inference servers failed to answer this. Please try again in a minute.",
            { cause: again.cause },
          );
        throw again;
      }
    }
  }

  /** What a failed attempt means for the asker and for the server. */
  private judge(server: PooledServer, error: unknown, signal: AbortSignal, textSent: boolean): Error {
    if (signal.aborted) return abortReason(signal);
    if (isGuruError(error)) return error;
    const failure =
      error instanceof ServerFailure
        ? error
        : new ServerFailure(String(error), { started: textSent, serverFault: false, cause: error });
    // Checked now rather than dropped: a dead server fails its check within milliseconds and
    // leaves rotation, while one request's hiccup (a reused connection the server had closed, an
    // answer it could not encode) must not empty the pool and refuse everyone waiting.
    if (failure.serverFault) void this.checker.check(server);
    if (failure.tooLong)
      return new GuruError(
        "INPUT_TOO_LONG",
        "This conversation is too long for the inference server's context. Start a new thread or shorten the question.",
        { cause: failure },
      );
    if (failure.started || textSent) {
      this.logger.warn(`server ${server.url} failed mid-answer`, { error: failure.message });
      return new GuruError(
        "GENERATION_FAILED",
        "The inference server failed while answering; the answer is cut short. Please try again.",
        { cause: failure },
      );
    }
    return new RetryableFailure(failure);
  }
}

/** A failure before any text reached the asker: the request may still move to another server. */
class RetryableFailure extends Error {
  constructor(readonly failure: ServerFailure) {
    super(failure.message, { cause: failure });
  }
}
