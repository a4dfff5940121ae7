import type { EngineConfig } from "../../src/config/configSchema.js";
import { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { chooseThreads, type LlamaBackend } from "../../src/engine/embedded/llamaBackend.js";
import { loadModelFile } from "../../src/engine/embedded/modelLoader.js";
import type { GenerationRequest } from "../../src/engine/generationTypes.js";
import { silentLogger } from "../../src/log/logger.js";
import { nextBenchTurns } from "./benchPrompt.js";
import { generateThroughGuru } from "./guruStream.js";
import { median, repeatMeasure } from "./median.js";
import { openRawContext } from "./rawContext.js";
import { type BatchFigures, type BatchMode, measureBatch, type StreamFigures } from "./throughput.js";

export const concurrentRequests = 4;

export type ScenarioName = "single" | "sequential x4" | "concurrent x4 Guru" | "concurrent x4 raw";

export interface ScenarioResult {
  readonly scenario: ScenarioName;
  readonly threads: number;
  /** Medians over the repeats. */
  readonly tokensPerSecond: number;
  readonly timeToFirstTokenMs: number;
  readonly runs: readonly BatchFigures[];
}

export interface EngineBenchPlan {
  readonly backend: LlamaBackend;
  readonly modelPath: string;
  /** Guru's defaults; slots and threads are set per scenario. */
  readonly config: EngineConfig;
  readonly tokens: number;
  readonly repeat: number;
  /** Loads weights into memory and allocates buffers; not timed. */
  readonly warmUpTokens: number;
}

/** What `engine.threads: auto` measures here for 1 and for 4 slots (per process: a bench measures afresh). */
export async function autoThreadChoice(backend: LlamaBackend, modelPath: string) {
  const model = await loadModelFile(backend, modelPath);
  try {
    const choice = { model, modelPath, logger: silentLogger };
    return {
      oneSlot: await chooseThreads("auto", backend, 1, choice),
      concurrentSlots: await chooseThreads("auto", backend, concurrentRequests, choice),
    };
  } finally {
    await model.dispose();
  }
}

/** Every scenario for one thread count, each on a freshly opened model. */
export async function measureScenarios(plan: EngineBenchPlan, threads: number): Promise<ScenarioResult[]> {
  return [...(await measureGuruSingleSlot(plan, threads)), ...(await measureConcurrent(plan, threads))];
}

async function measureGuruSingleSlot(plan: EngineBenchPlan, threads: number): Promise<ScenarioResult[]> {
  const engine = await openEngine(plan, threads, 1);
  try {
    const run = (tokens: number) => () => generateThroughGuru(engine, guruRequest(0, tokens));
    await measureBatch(1, "sequential", run(plan.warmUpTokens));
    return [
      await scenario(plan, "single", threads, 1, "sequential", run(plan.tokens)),
      await scenario(plan, "sequential x4", threads, concurrentRequests, "sequential", run(plan.tokens)),
    ];
  } finally {
    await engine.close();
  }
}

/**
 * Guru's queue and raw node-llama-cpp, both open at once and run in turns (alternating which goes
 * first), so load from anything else on the machine falls on both alike.
 */
async function measureConcurrent(plan: EngineBenchPlan, threads: number): Promise<ScenarioResult[]> {
  const engine = await openEngine(plan, threads, concurrentRequests);
  try {
    const raw = await openRawContext(plan.backend, plan.modelPath, plan.config, concurrentRequests, threads);
    try {
      const guruRun = (tokens: number) => (index: number) =>
        generateThroughGuru(engine, guruRequest(index, tokens));
      const rawRun = (tokens: number) => (index: number) => raw.generate(index, tokens);
      // Every slot, so each later request finds a used slot, as in the timed runs.
      await measureBatch(concurrentRequests, "concurrent", guruRun(plan.warmUpTokens));
      await measureBatch(concurrentRequests, "concurrent", rawRun(plan.warmUpTokens));
      const guruRuns: BatchFigures[] = [];
      const rawRuns: BatchFigures[] = [];
      const measure = (runOne: (index: number) => Promise<StreamFigures>) =>
        measureBatch(concurrentRequests, "concurrent", runOne);
      for (let repeat = 0; repeat < plan.repeat; repeat += 1) {
        if (repeat % 2 === 0) {
          guruRuns.push(await measure(guruRun(plan.tokens)));
          rawRuns.push(await measure(rawRun(plan.tokens)));
        } else {
          rawRuns.push(await measure(rawRun(plan.tokens)));
          guruRuns.push(await measure(guruRun(plan.tokens)));
        }
      }
      return [
        summarize(plan, "concurrent x4 Guru", threads, guruRuns),
        summarize(plan, "concurrent x4 raw", threads, rawRuns),
      ];
    } finally {
      await raw.dispose();
    }
  } finally {
    await engine.close();
  }
}

/**
 * `streams` requests at once through Guru's engine opened with that many slots and `threads`
 * threads, after one untimed warm-up round on every slot: each timed run's figures.
 */
export async function measureGuruStreams(
  plan: EngineBenchPlan,
  threads: number,
  streams: number,
): Promise<BatchFigures[]> {
  const engine = await openEngine(plan, threads, streams);
  try {
    const run = (tokens: number) => (index: number) =>
      generateThroughGuru(engine, guruRequest(index, tokens));
    await measureBatch(streams, "concurrent", run(plan.warmUpTokens));
    const runs = await repeatMeasure(plan.repeat, () =>
      measureBatch(streams, "concurrent", run(plan.tokens)),
    );
    expectEveryToken(plan, `Guru ${streams} streams × ${threads} threads`, runs);
    return runs;
  } finally {
    await engine.close();
  }
}

async function scenario(
  plan: EngineBenchPlan,
  name: ScenarioName,
  threads: number,
  requests: number,
  mode: BatchMode,
  runOne: (index: number) => Promise<StreamFigures>,
): Promise<ScenarioResult> {
  const runs = await repeatMeasure(plan.repeat, () => measureBatch(requests, mode, runOne));
  return summarize(plan, name, threads, runs);
}

function summarize(
  plan: EngineBenchPlan,
  name: ScenarioName,
  threads: number,
  runs: readonly BatchFigures[],
): ScenarioResult {
  expectEveryToken(plan, name, runs);
  return {
    scenario: name,
    threads,
    tokensPerSecond: median(runs.map((run) => run.tokensPerSecond)),
    timeToFirstTokenMs: median(runs.map((run) => run.meanTimeToFirstTokenMs)),
    runs,
  };
}

/** A run that generated fewer tokens than asked would make its speed meaningless. */
function expectEveryToken(plan: EngineBenchPlan, label: string, runs: readonly BatchFigures[]): void {
  for (const run of runs) {
    if (run.generatedTokens !== run.requests * plan.tokens) {
      throw new Error(
        `${label}: generated ${run.generatedTokens} tokens, expected ${run.requests * plan.tokens}`,
      );
    }
  }
}

function openEngine(plan: EngineBenchPlan, threads: number, slots: number): Promise<EmbeddedEngine> {
  return EmbeddedEngine.open({
    modelPath: plan.modelPath,
    config: { ...plan.config, threads, slots },
    logger: silentLogger,
    backend: plan.backend,
  });
}

function guruRequest(index: number, tokens: number): GenerationRequest {
  return {
    owner: `bench-${index}`,
    turns: nextBenchTurns(),
    maxTokens: tokens,
    ignoreEndOfText: true,
  };
}
