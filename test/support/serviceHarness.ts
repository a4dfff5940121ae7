import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../../src/config/configSchema.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { GenerationEvent, GenerationRequest } from "../../src/engine/generationTypes.js";
import { silentLogger } from "../../src/log/logger.js";
import { Memory } from "../../src/memory/memory.js";
import type { ConversationRequest } from "../../src/service/conversationRequest.js";
import { type AnswerEngine, ConversationService } from "../../src/service/conversationService.js";
import { historySummarizer, summarizerTurnRoom } from "../../src/service/historySummarizer.js";
import type { ReplyUpdate } from "../../src/service/replyUpdate.js";
import type { RequestObserver } from "../../src/service/requestObserver.js";

export interface ServiceRig {
  readonly service: ConversationService;
  readonly memory: Memory;
  /** Every request the service sent to the (real) engine, in order. */
  readonly generations: GenerationRequest[];
  readonly databasePath: string;
  close(): void;
}

export interface RigOptions {
  readonly maxInputChars?: number;
  readonly analysisMaxTokens?: number;
  /** `assistant.channelPrompts`: personas from the config file. */
  readonly channelPrompts?: Readonly<Record<string, string>>;
  /** Seeds the n-th generation (from 0) with `firstSeed + n`, so its sampling repeats exactly. */
  readonly firstSeed?: number;
  /** Where the database goes (a fresh temporary folder by default). */
  readonly dataDir?: string;
  /** Wraps the real engine's streams, e.g. to inject a failure midway. */
  readonly wrapStream?: (events: AsyncIterable<GenerationEvent>) => AsyncIterable<GenerationEvent>;
  /** Told of every generation request as the service makes it, before it queues. */
  readonly onGenerate?: (request: GenerationRequest) => void;
  /** Told of every request's start and outcome, as the operations front is. */
  readonly observer?: RequestObserver;
  /** How the database checkpoints its log: "background" as a running Guru does, "inline" by default. */
  readonly checkpoints?: "inline" | "background";
  /** Memory's `foldChunkTokens` (the summarizer's room, as a running Guru has it, by default). */
  readonly foldChunkTokens?: number;
}

export function openServiceRig(engine: AnswerEngine, options: RigOptions = {}): ServiceRig {
  const {
    wrapStream = (events) => events,
    onGenerate,
    dataDir,
    firstSeed,
    observer,
    checkpoints = "inline",
    foldChunkTokens,
    ...overrides
  } = options;
  const defaults = configSchema.parse({});
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "guru-service-"));
  const generations: GenerationRequest[] = [];
  const watched: AnswerEngine = {
    generate: (asked) => {
      const request =
        firstSeed === undefined || asked.seed !== undefined
          ? asked
          : { ...asked, seed: firstSeed + generations.length };
      generations.push(request);
      onGenerate?.(request);
      return wrapStream(engine.generate(request));
    },
    countTokens: (text) => engine.countTokens(text),
    countAhead: engine.countAhead?.bind(engine),
    stats: () => engine.stats(),
    refusal: (owner) => engine.refusal(owner),
  };
  const databasePath = join(dir, "guru.db");
  const memory = new Memory({
    path: databasePath,
    checkpoints,
    countTokens: watched.countTokens,
    summarize: historySummarizer(watched),
    foldChunkTokens: foldChunkTokens ?? summarizerTurnRoom(watched),
  });
  const service = new ConversationService({
    engine: watched,
    memory,
    assistant: { ...defaults.assistant, analysisMaxTokens: 3000, ...overrides },
    memoryConfig: defaults.memory,
    contextSize: engine.stats().contextSize,
    maxTokens: 24,
    logger: silentLogger,
    ...(observer ? { observer } : {}),
  });
  return { service, memory, generations, databasePath, close: () => memory.close() };
}

export const channel: ConversationAddress = {
  platform: "slack",
  space: "T1",
  channel: "C1",
  thread: "100.1",
};
export const otherWorkspace: ConversationAddress = {
  platform: "slack",
  space: "T2",
  channel: "C1",
  thread: null,
};
export const directMessage: ConversationAddress = {
  platform: "slack",
  space: null,
  channel: "D1",
  thread: null,
};

let counter = 0;

export function request(text: string, overrides: Partial<ConversationRequest> = {}): ConversationRequest {
  counter += 1;
  return {
    address: channel,
    author: "U1",
    text,
    messageId: `m-${process.pid}-${counter}`,
    eventId: `e-${process.pid}-${counter}`,
    mode: "ask",
    ...overrides,
  };
}

export async function updatesOf(stream: AsyncIterable<ReplyUpdate>): Promise<ReplyUpdate[]> {
  const updates: ReplyUpdate[] = [];
  for await (const update of stream) updates.push(update);
  return updates;
}

export function finalOf(updates: readonly ReplyUpdate[]): ReplyUpdate {
  const last = updates.at(-1);
  if (!last) throw new Error("no updates");
  return last;
}

/** The analysis a finished reply carries (throws, showing the update, when it is anything else). */
export function analysisOf(update: ReplyUpdate) {
  if (update.type !== "finished" || update.reply.kind !== "analysis") {
    throw new Error(`expected an analysis, got ${JSON.stringify(update).slice(0, 300)}`);
  }
  return update.reply;
}
