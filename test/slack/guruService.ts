import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { configSchema } from "../../src/config/configSchema.js";
import type { Engine } from "../../src/engine/engine.js";
import { silentLogger } from "../../src/log/logger.js";
import { Memory } from "../../src/memory/memory.js";
import { type AnswerEngine, ConversationService } from "../../src/service/conversationService.js";
import { historySummarizer, summarizerTurnRoom } from "../../src/service/historySummarizer.js";
import { openTinyEngine } from "../support/engineHarness.js";

/** Two slots, and room in each for an analysis (up to 2,048 tokens) after its prompt. */
export function openSlackTestEngine(): Promise<Engine> {
  return openTinyEngine({ slots: 2, contextSize: 4096 });
}

/** One engine for a test file: opened before its tests, closed after; call the result to get it. */
export function useSlackTestEngine(): () => Engine {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await openSlackTestEngine();
  });
  afterAll(async () => {
    await engine?.close();
  });
  return () => {
    if (!engine) throw new Error("the Slack test engine is not open yet");
    return engine;
  };
}

/** The real conversation service on the tiny model, over its own SQLite file. */
export interface GuruService {
  readonly service: ConversationService;
  readonly databasePath: string;
  /** Closes the database and opens it again: what a restart of Guru does. */
  restart(): GuruService;
  close(): void;
}

export function openGuruService(
  engine: AnswerEngine,
  options: { databasePath?: string; maxInputChars?: number; resumeWithinMs?: number } = {},
): GuruService {
  const defaults = configSchema.parse({});
  const databasePath = options.databasePath ?? join(mkdtempSync(join(tmpdir(), "guru-slack-")), "guru.db");
  const memory = new Memory({
    path: databasePath,
    countTokens: (text) => engine.countTokens(text),
    summarize: historySummarizer(engine),
    foldChunkTokens: summarizerTurnRoom(engine),
  });
  const service = new ConversationService({
    engine,
    memory,
    assistant: {
      ...defaults.assistant,
      analysisMaxTokens: 2048,
      maxInputChars: options.maxInputChars ?? 2000,
    },
    memoryConfig: {
      ...defaults.memory,
      resumeWithinMs: options.resumeWithinMs ?? defaults.memory.resumeWithinMs,
    },
    contextSize: engine.stats().contextSize,
    maxTokens: 24,
    logger: silentLogger,
  });
  return {
    service,
    databasePath,
    restart: () => {
      memory.close();
      return openGuruService(engine, { ...options, databasePath });
    },
    close: () => memory.close(),
  };
}
