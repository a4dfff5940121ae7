import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { GuruConfig } from "../../src/config/configSchema.js";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationEvent, GenerationRequest } from "../../src/engine/generationTypes.js";
import { silentLogger } from "../../src/log/logger.js";
import { Memory } from "../../src/memory/memory.js";
import type { ContextMessage } from "../../src/service/conversationRequest.js";
import { type AnswerEngine, ConversationService } from "../../src/service/conversationService.js";
import { historySummarizer, summarizerTurnRoom } from "../../src/service/historySummarizer.js";
import { median, repeatMeasure } from "./median.js";

export interface ThreadPromptFigures {
  readonly runs: number;
  readonly threadMessages: number;
  readonly fileBytes: number;
  readonly promptMsMedian: number;
  readonly promptTokensMedian: number;
  /** Of that time, how long Guru's event loop was busy (the rest it could serve others). */
  readonly loopBusyMsMedian: number;
  readonly runsMs: readonly number[];
}

const usage = {
  promptTokens: 0,
  cachedPromptTokens: 0,
  generatedTokens: 1,
  queueMs: 0,
  timeToFirstTokenMs: 0,
  totalMs: 0,
  tokensPerSecond: 0,
};

/**
 * Guru's own time to turn a question read with its thread (`threadMessages` messages by several
 * people) and a `fileBytes` text file into the prompt: validating and storing what was read,
 * counting tokens with the model's tokenizer, fitting the file, folding what does not fit and
 * assembling the turns. Fetching is excluded (the context arrives ready, as a front hands it
 * over) and so is the model: the engine here answers at once, so the time is from the request to
 * the moment the prompt reaches the engine. Every run is a new thread with its own texts, so no
 * token count is reused from an earlier run.
 */
export async function measureThreadPrompt(
  engine: Engine,
  defaults: GuruConfig,
  options: { runs: number; threadMessages: number; fileBytes: number },
): Promise<ThreadPromptFigures> {
  let promptReachedAt = 0;
  let promptTokens = 0;
  const instant: AnswerEngine = {
    generate: (request: GenerationRequest) => {
      // The rolling-summary writer's requests belong to no conversation; the answer's does.
      const summary = request.conversation === undefined;
      if (!summary) {
        promptReachedAt = performance.now();
        promptTokens = request.turns.reduce((sum, turn) => sum + engine.countTokens(turn.text), 0);
      }
      return answerAtOnce(summary ? "Earlier: the team planned a deploy." : "ok");
    },
    countTokens: (text) => engine.countTokens(text),
    countAhead: engine.countAhead?.bind(engine),
    stats: () => engine.stats(),
    refusal: (owner) => engine.refusal(owner),
  };
  const dataDir = mkdtempSync(join(tmpdir(), "guru-bench-thread-"));
  const memory = new Memory({
    path: join(dataDir, "guru.db"),
    countTokens: instant.countTokens,
    summarize: historySummarizer(instant),
    foldChunkTokens: summarizerTurnRoom(instant),
  });
  const service = new ConversationService({
    engine: instant,
    memory,
    assistant: defaults.assistant,
    memoryConfig: defaults.memory,
    contextSize: defaults.engine.contextSize,
    maxTokens: defaults.engine.maxTokens,
    logger: silentLogger,
  });
  const tokens: number[] = [];
  const loopBusyMs: number[] = [];
  try {
    const runsMs = await repeatMeasure(options.runs + 1, async (run) => {
      const messages = threadMessages(run, options.threadMessages);
      const file = logFile(run, options.fileBytes);
      const started = performance.now();
      const loopBefore = performance.eventLoopUtilization();
      let loopBusy = Number.NaN;
      for await (const update of service.handle({
        address: { platform: "bench", space: "W1", channel: "C1", thread: `T${run}` },
        author: "U1",
        text: `Run ${run}: what went wrong in this deploy, judging by the thread and the log?`,
        messageId: `q${run}`,
        eventId: `e${run}`,
        mode: "ask",
        context: { messages, documents: [{ name: "deploy.log", text: file, truncated: false }], notes: [] },
      })) {
        // The first update comes once the prompt has reached the engine.
        if (Number.isNaN(loopBusy)) loopBusy = performance.eventLoopUtilization(loopBefore).active;
        if (update.type === "failed") throw new Error(`${update.code}: ${update.message}`);
      }
      tokens.push(promptTokens);
      loopBusyMs.push(loopBusy);
      return promptReachedAt - started;
    });
    // The first run warms the statements and the tokenizer.
    const measured = runsMs.slice(1);
    return {
      runs: options.runs,
      threadMessages: options.threadMessages,
      fileBytes: options.fileBytes,
      promptMsMedian: median(measured),
      promptTokensMedian: median(tokens.slice(1)),
      loopBusyMsMedian: median(loopBusyMs.slice(1)),
      runsMs: measured,
    };
  } finally {
    memory.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function* answerAtOnce(text: string): AsyncGenerator<GenerationEvent> {
  yield {
    type: "done",
    result: { text, usage, tokenConfidences: [], probabilities: scripted, stopReason: "endOfText" },
  };
}

const scripted = { engine: "node-llama-cpp", kind: "none" } as const;

const people = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAN"];

function threadMessages(run: number, count: number): ContextMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    messageId: `r${run}.${String(i).padStart(4, "0")}`,
    author: people[i % people.length] ?? "U0ALICE",
    authorKind: i % 17 === 16 ? "bot" : "person",
    text: `Run ${run}, message ${i}: the deploy of service ${i % 9} stalled at step ${i % 5}; retrying with a smaller batch.`,
    documents: [],
  }));
}

function logFile(run: number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `2026-12-02T07:${String(i % 60).padStart(2, "0")}:00Z run=${run} worker=${i % 7} step=${i} status=${i % 11 === 0 ? "error disk full" : "ok"}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n").slice(0, bytes);
}
