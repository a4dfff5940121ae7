import type { EngineStats } from "../../src/engine/engine.js";
import type { GenerationEvent } from "../../src/engine/generationTypes.js";
import type { GuruError } from "../../src/errors.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";

/**
 * An engine that streams a text set by the test, a few characters at a time at a steady pace.
 * The tiny model's answers are random and short; tests about an answer's shape (past 2,000
 * characters, code fences) need to know what it will say.
 */
export class ScriptedEngine implements AnswerEngine {
  private answer = "";
  private confidences: readonly number[] = [];
  private failure: Error | null = null;

  constructor(private readonly pace: { readonly chunkChars: number; readonly delayMs: number }) {}

  /** What the next generations say, and how sure the sampler was of each token (none: all forced). */
  say(text: string, tokenConfidences: readonly number[] = []): void {
    this.answer = text;
    this.confidences = tokenConfidences;
    this.failure = null;
  }

  /** The next generations say `text`, then fail with `error`, as a timeout or a crash would. */
  sayThenFail(text: string, error: Error): void {
    this.answer = text;
    this.confidences = [];
    this.failure = error;
  }

  async *generate(): AsyncGenerator<GenerationEvent> {
    const text = this.answer;
    const tokenConfidences = this.confidences;
    const started = performance.now();
    yield { type: "started", slot: 0 };
    for (let at = 0; at < text.length; at += this.pace.chunkChars) {
      await new Promise((resolve) => setTimeout(resolve, this.pace.delayMs));
      yield { type: "text", delta: text.slice(at, at + this.pace.chunkChars) };
    }
    if (this.failure) throw this.failure;
    const totalMs = performance.now() - started;
    const tokens = this.countTokens(text);
    yield {
      type: "done",
      result: {
        text,
        usage: {
          promptTokens: 0,
          cachedPromptTokens: 0,
          generatedTokens: tokens,
          queueMs: 0,
          timeToFirstTokenMs: this.pace.delayMs,
          totalMs,
          tokensPerSecond: tokens / (totalMs / 1000),
        },
        tokenConfidences,
        probabilities: { engine: "node-llama-cpp", kind: tokenConfidences.length > 0 ? "sampled" : "none" },
        stopReason: "endOfText",
      },
    };
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  /** A script has no line to be full: it answers everyone. */
  refusal(): GuruError | undefined {
    return undefined;
  }

  stats(): EngineStats {
    return {
      kind: "embedded",
      model: "scripted",
      backend: { kind: "cpu", deviceNames: [], cpuMathCores: 1 },
      threads: 1,
      slots: 1,
      busy: 0,
      waiting: 0,
      contextSize: 4096,
      recentTokensPerSecond: 0,
      completed: 0,
      servers: [],
    };
  }
}
