/**
 * `npm run bench:engine`: Guru's engine throughput on a generated ≈250 M-param phi3 model —
 * one stream, four in a row, four at once through Guru's queue, and the same four straight on
 * node-llama-cpp — for each thread count. A measurement, not a test: it always exits 0 once run.
 */
import { parseArgs } from "node:util";
import { configSchema } from "../src/config/configSchema.js";
import { openLlamaBackend } from "../src/engine/embedded/llamaBackend.js";
import { silentLogger } from "../src/log/logger.js";
import {
  BenchArgumentError,
  choiceFlag,
  positiveIntegerFlag,
  positiveIntegerListFlag,
} from "./support/benchArgs.js";
import { benchModelPath } from "./support/benchModel.js";
import {
  autoThreadChoice,
  concurrentRequests,
  type EngineBenchPlan,
  measureScenarios,
  type ScenarioName,
  type ScenarioResult,
} from "./support/engineScenarios.js";
import { checkGoal, formatGoal, type GoalCheck } from "./support/goal.js";
import { writeResults } from "./support/resultsFile.js";
import { formatTable } from "./support/table.js";
import type { BatchFigures } from "./support/throughput.js";

const gpuChoices = ["auto", "cpu", "cuda", "vulkan", "metal"] as const;
const usage =
  "usage: tsx bench/engine.ts [--tokens N] [--threads 1,2] [--repeat R] [--gpu auto|cpu|cuda|vulkan|metal] [--small]";

/** Goals: four streams through Guru beat one stream by this much, and lose at most 3 % to raw. */
const concurrencyGoal = 1.6;
const overheadGoal = 0.97;
/** Other processes' CPU use (in cores) above which a run is flagged as disturbed. */
const busyMachineLoad = 0.25;

interface EngineBenchOptions {
  readonly small: boolean;
  readonly tokens: number;
  readonly repeat: number;
  readonly threads: readonly number[];
  readonly gpu: (typeof gpuChoices)[number];
}

function readOptions(args: string[]): EngineBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      tokens: { type: "string" },
      repeat: { type: "string" },
      threads: { type: "string" },
      gpu: { type: "string" },
      small: { type: "boolean", default: false },
    },
  });
  const small = values.small;
  return {
    small,
    tokens: positiveIntegerFlag(values.tokens, "tokens", small ? 32 : 128),
    repeat: positiveIntegerFlag(values.repeat, "repeat", small ? 1 : 3),
    // Two threads on the tiny model, sharing two cores with Node, crawl: the smoke test keeps to one.
    threads: positiveIntegerListFlag(values.threads, "threads", small ? [1] : [1, 2]),
    gpu: choiceFlag(values.gpu, "gpu", gpuChoices, "auto"),
  };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const preset = options.small ? "tiny" : "bench";
  const modelPath = await benchModelPath(preset);
  const backend = await openLlamaBackend(options.gpu, silentLogger);
  const config = { ...configSchema.parse({}).engine, gpu: options.gpu };
  const plan: EngineBenchPlan = {
    backend,
    modelPath,
    config,
    tokens: options.tokens,
    repeat: options.repeat,
    warmUpTokens: Math.min(16, options.tokens),
  };
  const autoThreads = await autoThreadChoice(backend, modelPath);
  console.log(
    `engine bench: ${preset} model, ${backend.info.kind} backend (${backend.info.cpuMathCores} math cores), ` +
      `${backend.binary} binary, ${options.tokens} tokens per request, median of ${options.repeat}; ` +
      `Guru's auto threads: ${autoThreads.oneSlot} for 1 slot, ${autoThreads.concurrentSlots} for ${concurrentRequests}`,
  );

  const results: ScenarioResult[] = [];
  for (const threads of options.threads) {
    const startedAt = performance.now();
    results.push(...(await measureScenarios(plan, threads)));
    console.error(`threads=${threads} measured in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
  }

  console.log(
    `\n${formatTable(
      [
        { header: "scenario" },
        { header: "threads" },
        { header: "tok/s" },
        { header: "runs tok/s" },
        { header: "ttft ms", digits: 0 },
        { header: "other load", digits: 2 },
      ],
      results.map((result) => [
        result.scenario,
        String(result.threads),
        result.tokensPerSecond,
        result.runs.map(runLabel).join(" "),
        result.timeToFirstTokenMs,
        maxOtherCpuLoad(result),
      ]),
    )}\n`,
  );
  if (results.some((result) => (maxOtherCpuLoad(result) ?? 0) > busyMachineLoad)) {
    console.log(
      `* other processes kept more than ${busyMachineLoad} of a core busy during that run: its figure is low. ` +
        "Rerun on a quiet machine before trusting the ratios.\n",
    );
  }
  const goals = goalChecks(results);
  for (const goal of goals) console.log(formatGoal(goal));
  const evaluated = evaluatedPromptTokens(results);
  console.log(`prompt tokens evaluated per request: ${evaluated.join(", ")}`);

  const path = await writeResults("engine", {
    model: { preset, path: modelPath },
    backend: backend.info,
    settings: { ...options, warmUpTokens: plan.warmUpTokens, sampling: samplingOf(config) },
    autoThreads,
    results,
    goals,
  });
  console.log(`figures written to ${path}`);
}

function runLabel(run: BatchFigures): string {
  const busy = (run.otherCpuLoad ?? 0) > busyMachineLoad;
  return `${run.tokensPerSecond.toFixed(1)}${busy ? "*" : ""}`;
}

/** Cores' worth of CPU that other processes used during the scenario's busiest run. */
function maxOtherCpuLoad(result: ScenarioResult): number | undefined {
  const loads = result.runs.flatMap((run) => (run.otherCpuLoad === undefined ? [] : [run.otherCpuLoad]));
  return loads.length === 0 ? undefined : Math.max(...loads);
}

function goalChecks(results: readonly ScenarioResult[]): GoalCheck[] {
  const speedOf = (scenario: ScenarioName, threads?: number) =>
    Math.max(
      ...results
        .filter(
          (result) => result.scenario === scenario && (threads === undefined || result.threads === threads),
        )
        .map((result) => result.tokensPerSecond),
    );
  const bestSingleStream = Math.max(speedOf("single"), speedOf("sequential x4"));
  const threadCounts = [...new Set(results.map((result) => result.threads))];
  return [
    checkGoal(
      "concurrent x4 Guru (best) ÷ best single stream",
      speedOf("concurrent x4 Guru") / bestSingleStream,
      concurrencyGoal,
    ),
    ...threadCounts.map((threads) =>
      checkGoal(
        `concurrent x4 Guru ÷ raw node-llama-cpp, threads=${threads}`,
        speedOf("concurrent x4 Guru", threads) / speedOf("concurrent x4 raw", threads),
        overheadGoal,
      ),
    ),
  ];
}

/** Distinct counts seen; one value means every path evaluated the same prompt. */
function evaluatedPromptTokens(results: readonly ScenarioResult[]): number[] {
  const counts = new Set(
    results.flatMap((result) => result.runs.flatMap((run) => run.evaluatedPromptTokens)),
  );
  return [...counts].sort((a, b) => a - b);
}

function samplingOf(config: EngineBenchPlan["config"]) {
  return { temperature: config.temperature, topP: config.topP, topK: config.topK };
}

main().catch((error: unknown) => {
  if (error instanceof BenchArgumentError) {
    console.error(`${error.message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  throw error;
});
