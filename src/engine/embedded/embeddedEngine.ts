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
import { EventChannel } from "../eventChannel.js";
import type { GenerationEvent, GenerationRequest, GenerationUsage } from "../generationTypes.js";
import { SlotQueue } from "../slotQueue.js";
import { renderChatPrompt } from "./chatPrompt.js";
import { chooseThreads, type LlamaBackend, openLlamaBackend } from "./llamaBackend.js";
import { loadModelFile } from "./modelLoader.js";
import { generateOnSequence } from "./sequenceGeneration.js";
import { WarmSlots } from "./warmSlots.js";

export interface EngineOptions {
  readonly modelPath: string;
  readonly config: EngineConfig;
  readonly logger: Logger;
  /** Share one llama.cpp binding (tests, several engines); opened from `config.gpu` when absent. */
  readonly backend?: LlamaBackend;
}

const recentWindow = 10;

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
  private readonly recentSpeeds: number[] = [];
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
      const threads = chooseThreads(config.threads, backend.info, config.slots);
      const sequenceCount = config.slots + config.warmSequences;
      const context = await model.createContext({
        contextSize: config.contextSize,
        sequences: sequenceCount,
        threads,
      });
      const sequences = Array.from({ length: sequenceCount }, () => context.getSequence());
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
    const abandoned = new AbortController();
    const channel = new EventChannel<GenerationEvent>(() => abandoned.abort());
    this.run(request, channel, abandoned.signal).then(
      () => channel.end(),
      (error: unknown) => channel.fail(error),
    );
    return channel;
  }

  stats(): EngineStats {
    const queue = this.queue.stats();
    const speeds = this.recentSpeeds;
    return {
      kind: "embedded",
      model: this.model.filename ?? "model",
      backend: this.backend.info,
      threads: this.threads,
      slots: queue.slots,
      busy: queue.busy,
      waiting: queue.waiting,
      contextSize: this.config.contextSize,
      recentTokensPerSecond: speeds.length === 0 ? 0 : speeds.reduce((a, b) => a + b, 0) / speeds.length,
      completed: this.completed,
      servers: [],
    };
  }

  async drain(graceMs: number = this.config.drainGraceMs): Promise<void> {
    this.queue.close();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.queue.whenIdle(), graceOver]);
    clearTimeout(timer);
    this.shutdown.abort(
      new GuruError(
        "SHUTTING_DOWN",
        "Guru is shutting down; this answer was cut short. Ask again once it is back.",
      ),
    );
    await this.queue.whenIdle();
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
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new GuruError("TIMEOUT", "The answer took too long and was stopped. Try a shorter question."),
        ),
      request.timeoutMs ?? this.config.requestTimeoutMs,
    );
    const signal = AbortSignal.any(
      [request.signal, abandoned, timeout.signal, this.shutdown.signal].filter(
        (s): s is AbortSignal => s !== undefined,
      ),
    );
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
          sampling: {
            temperature: request.temperature ?? this.config.temperature,
            topP: this.config.topP,
            topK: this.config.topK,
            ...(request.seed === undefined ? {} : { seed: request.seed }),
          },
          ...(grammar ? { grammar } : {}),
          ignoreEndOfText: request.ignoreEndOfText ?? false,
          signal,
          onText: (delta) => channel.push({ type: "text", delta }),
        });
        const endedAt = performance.now();
        const usage = usageOf(outcome, prompt.tokens.length, queuedAt, startedAt, endedAt);
        this.record(usage);
        channel.push({
          type: "done",
          result: {
            text: outcome.text,
            usage,
            tokenConfidences: outcome.tokenConfidences,
            probabilities: { engine: "node-llama-cpp", kind: "sampled" },
            stopReason: outcome.stopReason,
          },
        });
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
      clearTimeout(timer);
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

  private record(usage: GenerationUsage): void {
    this.completed += 1;
    if (usage.tokensPerSecond > 0) {
      this.recentSpeeds.push(usage.tokensPerSecond);
      if (this.recentSpeeds.length > recentWindow) this.recentSpeeds.shift();
    }
  }
}

function usageOf(
  outcome: Awaited<ReturnType<typeof generateOnSequence>>,
  promptTokens: number,
  queuedAt: number,
  startedAt: number,
  endedAt: number,
): GenerationUsage {
  const firstTokenAt = outcome.firstTokenAt ?? endedAt;
  const decodeMs = endedAt - firstTokenAt;
  return {
    promptTokens,
    cachedPromptTokens: outcome.cachedPromptTokens,
    generatedTokens: outcome.generatedTokens,
    queueMs: round(startedAt - queuedAt),
    timeToFirstTokenMs: round(firstTokenAt - startedAt),
    totalMs: round(endedAt - queuedAt),
    tokensPerSecond:
      outcome.generatedTokens > 1 && decodeMs > 0
        ? round(((outcome.generatedTokens - 1) * 1000) / decodeMs)
        : 0,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
