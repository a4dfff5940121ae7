import type { LlamaModel } from "node-llama-cpp";
import type { EngineConfig } from "../../config/configSchema.js";
import { GuruError, isGuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import { silentLogger } from "../../log/logger.js";
import { abortReason } from "../abortReason.js";
import type { Engine, EngineStats } from "../engine.js";
import type { EventChannel } from "../eventChannel.js";
import type { GenerationEvent, GenerationRequest } from "../generationTypes.js";
import { doneEvent, usageOf } from "../generationUsage.js";
import { drainQueue } from "../queueDrain.js";
import { RecentSpeeds } from "../recentSpeeds.js";
import { runSignal } from "../runSignal.js";
import { samplingFor } from "../sampling.js";
import { SlotQueue } from "../slotQueue.js";
import { streamedRun } from "../streamedRun.js";
import { EngineProcess } from "./engineProcess.js";
import { type LlamaBackend, openLlamaBackend } from "./llamaBackend.js";
import { loadModelFile } from "./modelLoader.js";
import { TokenCountCache } from "./tokenCountCache.js";
import { WarmSlots } from "./warmSlots.js";

export interface EngineOptions {
  readonly modelPath: string;
  readonly config: EngineConfig;
  readonly logger: Logger;
  /**
   * The llama.cpp binding this process uses for the model's tokenizer (tests and benches share
   * one); a CPU one is opened when absent. The weights live in the engine's own process.
   */
  readonly backend?: LlamaBackend;
  /** Where measured thread choices are kept (Guru's data folder); measured per process without it. */
  readonly cacheFolder?: string;
}

/**
 * The model, loaded once in the engine's own process, and a fixed set of context sequences (slots)
 * that a fair queue here hands out. Generation runs in that process, so a busy event loop here
 * (a flood of platform events) does not slow the answers running; admission, cancel, timeouts,
 * warm slots and drain stay here, where they are cheap. Every generation streams events and ends
 * with usage figures; it can be cancelled, times out, and always gives its slot back.
 */
export class EmbeddedEngine implements Engine {
  private readonly queue: SlotQueue;
  private readonly warm: WarmSlots;
  private readonly shutdown = new AbortController();
  private readonly speeds = new RecentSpeeds();
  private completed = 0;
  private process!: EngineProcess;
  /** Memory and the prompt budget count the same texts (a question, a reply, each turn): once each. */
  private readonly counts = new TokenCountCache((text) => this.model.tokenize(text, false).length);

  private constructor(
    /** The model's vocabulary only (no weights): `countTokens` is synchronous and must not wait for the engine's process. */
    readonly model: LlamaModel,
    private readonly config: EngineConfig,
    private readonly logger: Logger,
  ) {
    const sequences = config.slots + config.warmSequences;
    this.queue = new SlotQueue({
      slots: config.slots,
      sequences,
      maxWaiting: config.maxWaiting,
      maxWaitingPerUser: config.maxWaitingPerUser,
    });
    this.warm = new WarmSlots(sequences);
  }

  static async open(options: EngineOptions): Promise<EmbeddedEngine> {
    const { config, logger, modelPath } = options;
    let engine: EmbeddedEngine | undefined;
    const engineProcess = await EngineProcess.start(
      { modelPath, config, cacheFolder: options.cacheFolder },
      logger,
      (error) => engine?.lost(error),
    );
    try {
      const backend = options.backend ?? (await openLlamaBackend("cpu", silentLogger));
      const vocabulary = await loadModelFile(backend, modelPath, { vocabOnly: true });
      engine = new EmbeddedEngine(vocabulary, config, logger);
      engine.process = engineProcess;
      return engine;
    } catch (error) {
      await engineProcess.close();
      throw error;
    }
  }

  get chatWrapperName(): string {
    return this.process.ready.chatWrapperName;
  }

  countTokens(text: string): number {
    return this.counts.tokens(text);
  }

  /** Counted in the engine's process, which has the same tokenizer: the counts are the same. */
  async countAhead(texts: readonly string[]): Promise<void> {
    const missing = this.counts.missing(texts);
    if (missing.length === 0) return;
    const counts = await this.process.count(missing);
    missing.forEach((text, index) => {
      const count = counts[index];
      if (count !== undefined) this.counts.remember(text, count);
    });
  }

  generate(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    return streamedRun((channel, abandoned) => this.run(request, channel, abandoned));
  }

  refusal(owner: string): GuruError | undefined {
    return this.queue.refusal(owner);
  }

  stats(): EngineStats {
    const queue = this.queue.stats();
    const { ready } = this.process;
    return {
      kind: "embedded",
      model: ready.modelName,
      backend: ready.backend,
      threads: ready.threads,
      slots: queue.slots,
      busy: queue.busy,
      waiting: queue.waiting,
      contextSize: this.config.contextSize,
      recentTokensPerSecond: this.speeds.mean(),
      completed: this.completed,
      servers: [],
    };
  }

  drain(graceMs: number = this.config.drainGraceMs): Promise<void> {
    return drainQueue(this.queue, graceMs, this.shutdown);
  }

  async close(): Promise<void> {
    await this.drain();
    await this.process.close();
    await this.model.dispose();
  }

  /** The engine's process died: nobody waiting or arriving can be served any more. */
  private lost(error: GuruError): void {
    this.queue.resize(0, error);
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
    const signal = stop.signal;
    try {
      const preferredSlot =
        request.conversation === undefined ? undefined : this.warm.slotOf(request.conversation);
      const lease = await this.queue.acquire(request.owner, {
        signal,
        onPosition: (position) => channel.push({ type: "queued", position }),
        ...(preferredSlot === undefined ? {} : { preferredSlot }),
      });
      try {
        const startedAt = performance.now();
        channel.push({ type: "started", slot: lease.slot });
        this.warm.assign(lease.slot, request.conversation);
        const outcome = await this.process.run(
          {
            slot: lease.slot,
            turns: request.turns,
            maxTokens: request.maxTokens ?? this.config.maxTokens,
            sampling: samplingFor(request, this.config),
            ...(request.jsonSchema ? { jsonSchema: request.jsonSchema } : {}),
            ignoreEndOfText: request.ignoreEndOfText ?? false,
          },
          signal,
          (delta) => channel.push({ type: "text", delta }),
        );
        const { firstTokenAtEpoch, endedAtEpoch, ...figures } = outcome;
        const usage = usageOf(
          {
            ...figures,
            firstTokenAt: firstTokenAtEpoch === null ? null : firstTokenAtEpoch - performance.timeOrigin,
          },
          { queuedAt, startedAt, endedAt: endedAtEpoch - performance.timeOrigin },
        );
        this.completed += 1;
        this.speeds.record(usage.tokensPerSecond);
        channel.push(doneEvent(outcome, usage, { engine: "node-llama-cpp", kind: "sampled" }));
      } catch (error) {
        // A cut-short answer leaves the slot's cache in an unknown state for warm reuse.
        this.warm.assign(lease.slot, undefined);
        // The engine's process stopped on a cancel, a timeout or a shutdown: say which.
        if (signal.aborted) throw abortReason(signal);
        throw error;
      } finally {
        lease.release();
      }
    } catch (error) {
      if (isGuruError(error)) throw error;
      this.logger.error("generation failed", { error });
      throw new GuruError("GENERATION_FAILED", "The model failed while answering. Please try again.", {
        cause: error,
      });
    } finally {
      stop.dispose();
    }
  }
}
