import { afterAll, beforeAll } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationRequest } from "../../src/engine/generationTypes.js";
import { Memory } from "../../src/memory/memory.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";
import { summaryInstruction } from "../../src/service/promptAssembly.js";
import { openTinyEngine } from "./engineHarness.js";

/**
 * One slot and a 2,048-token context for a test file (opened before its tests, closed after):
 * a seeded long history must be folded there. Call the result to get the engine.
 */
export function useFoldingEngine(): () => Engine {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 2048 });
  });
  afterAll(async () => {
    await engine?.close();
  });
  return () => {
    if (!engine) throw new Error("the folding engine is not open yet");
    return engine;
  };
}

/**
 * Stores `turns` answered questions at `address`: about 1,400 tokens, more than a 2,048-token context leaves for history, so the
 * next question there must first fold the oldest into the rolling summary.
 */
export function seedLongHistory(
  memory: Memory,
  address: ConversationAddress,
  author: string,
  turns = 80,
): void {
  const key = JSON.stringify(address);
  for (let i = 0; i < turns; i += 1) {
    const asked = memory.recordInbound({
      address,
      author,
      text: `question ${i}: how do the billing shards ${i} and ${i + 1} share invoices across regions?`,
      platformMessageId: `seed-${key}-${i}`,
    });
    if (!asked.isNew) throw new Error("a seeded message existed already");
    memory.recordReply({
      inReplyTo: asked.message.id,
      author: "guru",
      text: `Shard ${i} keeps its invoices with the customer's region; ${i + 1} mirrors them nightly.`,
      status: "complete",
    });
  }
}

/** Whether a generation request is the rolling-summary writer's. */
export function isSummaryRequest(request: GenerationRequest): boolean {
  return request.turns[0]?.text === summaryInstruction;
}

/** Seeds a long history into the database file a running Guru uses (through a second connection). */
export function seedLongHistoryIn(
  databasePath: string,
  engine: AnswerEngine,
  address: ConversationAddress,
  author: string,
): void {
  const memory = new Memory({
    path: databasePath,
    countTokens: (text) => engine.countTokens(text),
    summarize: async () => "",
  });
  try {
    seedLongHistory(memory, address, author);
  } finally {
    memory.close();
  }
}

/** The engine, calling `onSummary` as each rolling-summary generation is asked for (before it queues). */
export function watchingSummaries(engine: AnswerEngine, onSummary: () => void): AnswerEngine {
  return {
    generate: (request) => {
      if (isSummaryRequest(request)) onSummary();
      return engine.generate(request);
    },
    countTokens: (text) => engine.countTokens(text),
    stats: () => engine.stats(),
    refusal: (owner) => engine.refusal(owner),
  };
}
