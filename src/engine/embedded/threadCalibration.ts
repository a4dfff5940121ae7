import type { LlamaModel, Token } from "node-llama-cpp";

/** One candidate thread count and how fast it decoded. */
export interface ThreadTrial {
  readonly threads: number;
  /** Tokens per second over every sequence together. */
  readonly tokensPerSecond: number;
}

export interface ThreadCalibration {
  readonly threads: number;
  readonly trials: readonly ThreadTrial[];
}

/** Decoded tokens per sequence in each timed trial; short, as it runs on every first start. */
const timedSteps = 12;
const warmUpSteps = 3;
/**
 * A larger thread count must beat the best smaller one by this share: on a tie fewer threads
 * leave cores to Node's main thread and the rest of the machine.
 */
const requiredGain = 0.03;

/**
 * The thread counts worth trying on `cores` math cores: every count up to 4, then powers of two,
 * every core but one, and every core. Never more than the cores: oversubscribed, ggml's spinning
 * barriers decode hundreds of times slower.
 */
export function threadCandidates(cores: number): number[] {
  const counts = new Set<number>();
  for (let count = 1; count <= Math.min(cores, 4); count += 1) counts.add(count);
  for (let count = 8; count < cores; count *= 2) counts.add(count);
  if (cores > 1) counts.add(cores - 1);
  counts.add(Math.max(1, cores));
  return [...counts].sort((a, b) => a - b);
}

/**
 * Measures each candidate the way the engine will run: `sequences` sequences decoding at once in
 * one context (node-llama-cpp batches their tokens into one evaluation per step). Two rounds,
 * candidates in turn, best of the two per candidate, so a passing disturbance spoils one round only.
 */
export async function calibrateThreads(
  model: LlamaModel,
  sequences: number,
  candidates: readonly number[],
): Promise<ThreadCalibration> {
  const best = new Map<number, number>();
  for (let round = 0; round < 2; round += 1) {
    for (const threads of candidates) {
      const speed = await measureDecoding(model, sequences, threads);
      best.set(threads, Math.max(best.get(threads) ?? 0, speed));
    }
  }
  const trials = candidates.map((threads) => ({ threads, tokensPerSecond: best.get(threads) ?? 0 }));
  return { threads: fastest(trials), trials };
}

/** The fewest threads within `requiredGain` of every larger count's speed. */
export function fastest(trials: readonly ThreadTrial[]): number {
  const sorted = [...trials].sort((a, b) => a.threads - b.threads);
  let chosen = sorted[0];
  if (chosen === undefined) throw new Error("no thread trials to choose from");
  for (const trial of sorted.slice(1)) {
    if (trial.tokensPerSecond > chosen.tokensPerSecond * (1 + requiredGain)) chosen = trial;
  }
  return chosen.threads;
}

async function measureDecoding(model: LlamaModel, sequenceCount: number, threads: number): Promise<number> {
  const context = await model.createContext({
    contextSize: 2 * (timedSteps + warmUpSteps) + 16,
    sequences: sequenceCount,
    threads,
  });
  try {
    const sequences = Array.from({ length: sequenceCount }, () => context.getSequence());
    const start = model.tokenize("Once upon a time", false).slice(0, 4);
    const decodeAll = (steps: number) =>
      Promise.all(
        sequences.map((sequence) =>
          decode(sequence.evaluate(start, { temperature: 0, yieldEogToken: true }), steps),
        ),
      );
    await decodeAll(warmUpSteps);
    for (const sequence of sequences) await sequence.clearHistory();
    const startedAt = performance.now();
    await decodeAll(timedSteps);
    return (sequenceCount * timedSteps * 1000) / (performance.now() - startedAt);
  } finally {
    await context.dispose();
  }
}

async function decode(tokens: AsyncIterable<Token>, steps: number): Promise<void> {
  let decoded = 0;
  for await (const _token of tokens) {
    decoded += 1;
    if (decoded >= steps) return;
  }
}
