import type {
  GenerationEvent,
  GenerationResult,
  GenerationUsage,
  ProbabilitySource,
} from "./generationTypes.js";

/** What a finished generation reports about its tokens, whichever engine ran it. */
export interface GeneratedFigures {
  readonly promptTokens: number;
  readonly cachedPromptTokens: number;
  readonly generatedTokens: number;
  /** `performance.now()` when the first token arrived (null: none arrived). */
  readonly firstTokenAt: number | null;
}

/** `performance.now()` readings of one request's way through the engine. */
export interface GenerationTimes {
  readonly queuedAt: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

export function usageOf(figures: GeneratedFigures, times: GenerationTimes): GenerationUsage {
  const { queuedAt, startedAt, endedAt } = times;
  const firstTokenAt = figures.firstTokenAt ?? endedAt;
  const decodeMs = endedAt - firstTokenAt;
  return {
    promptTokens: figures.promptTokens,
    cachedPromptTokens: figures.cachedPromptTokens,
    generatedTokens: figures.generatedTokens,
    queueMs: round(startedAt - queuedAt),
    timeToFirstTokenMs: round(firstTokenAt - startedAt),
    totalMs: round(endedAt - queuedAt),
    tokensPerSecond:
      figures.generatedTokens > 1 && decodeMs > 0
        ? round(((figures.generatedTokens - 1) * 1000) / decodeMs)
        : 0,
  };
}

/** The event that ends a successful generation. */
export function doneEvent(
  outcome: Pick<GenerationResult, "text" | "tokenConfidences" | "stopReason">,
  usage: GenerationUsage,
  probabilities: ProbabilitySource,
): GenerationEvent {
  const { text, tokenConfidences, stopReason } = outcome;
  return { type: "done", result: { text, usage, tokenConfidences, probabilities, stopReason } };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
