import type {
  ChatWrapper,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
} from "node-llama-cpp";
import { resolveChatWrapper } from "node-llama-cpp";
import type { EngineConfig } from "../../config/configSchema.js";
import { GuruError, isGuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
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
import { renderChatPrompt } from "./chatPrompt.js";
import { chooseThreads, type LlamaBackend, openLlamaBackend } from "./llamaBackend.js";
import { LockstepBatching } from "./lockstepBatching.js";
import { loadModelFile } from "./modelLoader.js";
import { generateOnSequence } from "./sequenceGeneration.js";
import { WarmSlots } from "./warmSlots.js";

export interface EngineOptions {
  readonly modelPath: string;
  readonly config: EngineConfig;
  readonly logger: Logger;
  /** Share one llama.cpp binding (tests, several engines); opened from `config.gpu` when absent. */
  readonly backend?: LlamaBackend;
  /** Where measured thread choices are kept (Guru's data folder); measured per process without it. */
  readonly cacheFolder?: string;
}

/**
 * The model, loaded once, and a fixed set of context sequences (slots) that a fair queue hands
 * out. Every generation streams events and ends with usage figures; it can be cancelled, times
 * out, and always gives its slot back.
 */
export class EmbeddedEngine implements Engine {
  private readonly queue: SlotQueue;
  private readonly warm: WarmSlots;
  private readonly shutdown = new AbortController();
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly speeds = new RecentSpeeds();
  private completed = 0;

  private constructor(
    private readonly backend: LlamaBackend,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequences: readonly LlamaContextSequence[],
    private readonly chatWrapper: ChatWrapper,
    private readonly config: EngineConfig,
    private readonly threads: number,
    private readonly logger: Logger,
  ) {
    this.queue = new SlotQueue({
      slots: config.slots,
      sequences: sequences.length,
      maxWaiting: config.maxWaiting,
      maxWaitingPerUser: config.maxWaitingPerUser,
    });
    this.warm = new WarmSlots(sequences.length);
  }

  static async open(options: EngineOptions): Promise<EmbeddedEngine> {
    const { config, logger } = options;
    const backend = options.backend ?? (await openLlamaBackend(config.gpu, logger));
    const model = await loadModelFile(backend, options.modelPath);
    try {
      const threads = await chooseThreads(config.threads, backend, config.slots, {
        model,
        modelPath: options.modelPath,
        cacheFolder: options.cacheFolder,
        logger,
      });
      const sequenceCount = config.slots + config.warmSequences;
      const batching = new LockstepBatching();
      const context = await model.createContext({
        contextSize: config.contextSize,
        sequences: sequenceCount,
        threads,
        batching: batching.options,
      });
      const sequences = Array.from({ length: sequenceCount }, () => context.getSequence());
      batching.attach(context, sequences);
      // Resolving the wrapper costs seconds on a gpt-4o tokenizer: once per model, never per chat.
      const chatWrapper = resolveChatWrapper(model);
      logger.info(`model loaded: ${model.filename ?? options.modelPath}`, {
        chatTemplate: chatWrapper.wrapperName,
        slots: config.slots,
        warmSequences: config.warmSequences,
        contextSize: config.contextSize,
        threads,
        gpuLayers: model.gpuLayers,
      });
      return new EmbeddedEngine(backend, model, context, sequences, chatWrapper, config, threads, logger);
    } catch (cause) {
      await model.dispose();
      throw new GuruError(
        "MODEL_INVALID",
        `The model loaded but no context could be created: ${String(cause)}`,
        {
          cause,
        },
      );
    }
  }

  get chatWrapperName(): string {
    return this.chatWrapper.wrapperName;
  }

  countTokens(text: string): number {
    return this.model.tokenize(text, false).length;
  }

  generate(request: GenerationRequest): AsyncIterable<GenerationEvent> {
    return streamedRun((channel, abandoned) => this.run(request, channel, abandoned));
  }

  stats(): EngineStats {
    const queue = this.queue.stats();
    return {
      kind: "embedded",
      model: this.model.filename ?? "model",
      backend: this.backend.info,
      threads: this.threads,
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
    await this.context.dispose();
    await this.model.dispose();
  }

  private async run(
    request: GenerationRequest,
    channel: EventChannel<GenerationEvent>,
    abandoned: AbortSignal,
  ): Promise<void> {
    const prompt = renderChatPrompt(this.model, this.chatWrapper, request.turns);
    const grammar = request.jsonSchema ? await this.grammarFor(request.jsonSchema) : undefined;
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
        const outcome = await generateOnSequence({
          sequence: this.sequences[lease.slot] as LlamaContextSequence,
          prompt,
          maxTokens: request.maxTokens ?? this.config.maxTokens,
          sampling: samplingFor(request, this.config),
          ...(grammar ? { grammar } : {}),
          ignoreEndOfText: request.ignoreEndOfText ?? false,
          signal,
          onText: (delta) => channel.push({ type: "text", delta }),
        });
        const endedAt = performance.now();
        const usage = usageOf(
          { ...outcome, promptTokens: prompt.tokens.length },
          { queuedAt, startedAt, endedAt },
        );
        this.completed += 1;
        this.speeds.record(usage.tokensPerSecond);
        channel.push(doneEvent(outcome, usage, { engine: "node-llama-cpp", kind: "sampled" }));
      } catch (error) {
        // A cut-short answer leaves the slot's cache in an unknown state for warm reuse.
        this.warm.assign(lease.slot, undefined);
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

  private grammarFor(schema: object): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types the schema by its literal shape.
      grammar = this.backend.llama.createGrammarForJsonSchema(schema as any);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}
