import type { EngineConfig } from "../../src/config/configSchema.js";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationRequest } from "../../src/engine/generationTypes.js";
import { LlamaServerBackend } from "../../src/engine/servers/llamaServer/llamaServerBackend.js";
import { llamaServerPropsSchema } from "../../src/engine/servers/llamaServer/llamaServerProps.js";
import { ServedModel } from "../../src/engine/servers/llamaServer/servedModel.js";
import { ServerEngine } from "../../src/engine/servers/serverEngine.js";
import { silentLogger } from "../../src/log/logger.js";
import type { LlamaServerProcess } from "../../test/support/llamaServerProcess.js";
import { nextBenchTurns } from "./benchPrompt.js";
import { generateThroughGuru } from "./guruStream.js";
import { median } from "./median.js";
import { generateRawOnServer } from "./rawServerClient.js";
import { type BatchFigures, measureBatch } from "./throughput.js";

export interface BurstPlan {
  readonly config: EngineConfig;
  /** Requests sent at once. */
  readonly burst: number;
  readonly tokens: number;
  readonly repeat: number;
  /** Single requests, one after another, timed for Guru's cost before the server starts. */
  readonly singles: number;
}

export interface PathFigures {
  readonly tokensPerSecond: number;
  readonly runs: readonly BatchFigures[];
}

export interface ServerScenarioResult {
  readonly guru: PathFigures;
  readonly raw: PathFigures;
  /**
   * Median, over single requests one after another, of the time from asking Guru's engine to
   * Guru sending `/completion`: queue, routing, prompt rendering and tokenizing.
   */
  readonly routingMs: number;
}

export function burstRequest(index: number, tokens: number): GenerationRequest {
  return { owner: `bench-${index}`, turns: nextBenchTurns(), maxTokens: tokens, ignoreEndOfText: true };
}

/** The same burst, repeated, through any engine (the embedded one has no raw client beside it). */
export async function measureEngineBursts(engine: Engine, plan: BurstPlan): Promise<PathFigures> {
  const guruRun = (tokens: number) => (index: number) =>
    generateThroughGuru(engine, burstRequest(index, tokens));
  await measureBatch(plan.burst, "concurrent", guruRun(16));
  const runs: BatchFigures[] = [];
  for (let repeat = 0; repeat < plan.repeat; repeat += 1)
    runs.push(await measureBatch(plan.burst, "concurrent", guruRun(plan.tokens)));
  return { tokensPerSecond: median(runs.map((run) => run.tokensPerSecond)), runs };
}

/**
 * Guru's server engine and a raw client on the same llama-server processes, in turns (alternating
 * which goes first, so other load falls on both alike): the burst, then single requests.
 */
export async function measureServers(
  servers: readonly LlamaServerProcess[],
  plan: BurstPlan,
): Promise<ServerScenarioResult> {
  const engine = await ServerEngine.open({
    servers: servers.map((server) => ({ backend: new LlamaServerBackend({ url: server.url }) })),
    config: plan.config,
    logger: silentLogger,
  });
  try {
    const render = await promptRenderer(servers[0] as LlamaServerProcess);
    const sampling = { temperature: plan.config.temperature, topP: plan.config.topP, topK: plan.config.topK };
    const guruRun = (tokens: number) => (index: number) =>
      generateThroughGuru(engine, burstRequest(index, tokens));
    const rawRun = (tokens: number) => (index: number) =>
      generateRawOnServer(
        (servers[index % servers.length] as LlamaServerProcess).url,
        render(burstRequest(index, tokens)),
        tokens,
        sampling,
      );
    await measureBatch(plan.burst, "concurrent", guruRun(16));
    await measureBatch(plan.burst, "concurrent", rawRun(16));
    const guruRuns: BatchFigures[] = [];
    const rawRuns: BatchFigures[] = [];
    for (let repeat = 0; repeat < plan.repeat; repeat += 1) {
      const guruFirst = repeat % 2 === 0;
      for (const path of guruFirst ? ["guru", "raw"] : ["raw", "guru"]) {
        const run = path === "guru" ? guruRun : rawRun;
        (path === "guru" ? guruRuns : rawRuns).push(
          await measureBatch(plan.burst, "concurrent", run(plan.tokens)),
        );
      }
    }
    const routing: number[] = [];
    for (let index = 0; index < plan.singles; index += 1) {
      const askedAt = performance.now();
      const sent = nextCompletionSent();
      await guruRun(1)(0);
      routing.push((await sent) - askedAt);
    }
    return {
      guru: { tokensPerSecond: median(guruRuns.map((run) => run.tokensPerSecond)), runs: guruRuns },
      raw: { tokensPerSecond: median(rawRuns.map((run) => run.tokensPerSecond)), runs: rawRuns },
      routingMs: median(routing),
    };
  } finally {
    await engine.close();
  }
}

/**
 * `plan.burst` requests at once straight to one llama-server (no Guru in between), after one
 * untimed warm-up round on every slot: each timed run's figures.
 */
export async function measureRawServer(server: LlamaServerProcess, plan: BurstPlan): Promise<BatchFigures[]> {
  const render = await promptRenderer(server);
  const sampling = { temperature: plan.config.temperature, topP: plan.config.topP, topK: plan.config.topK };
  const run = (tokens: number) => (index: number) =>
    generateRawOnServer(server.url, render(burstRequest(index, tokens)), tokens, sampling);
  await measureBatch(plan.burst, "concurrent", run(16));
  const runs: BatchFigures[] = [];
  for (let repeat = 0; repeat < plan.repeat; repeat += 1)
    runs.push(await measureBatch(plan.burst, "concurrent", run(plan.tokens)));
  return runs;
}

const plainFetch = globalThis.fetch;

/**
 * When the next `/completion` request goes out. The bench watches `fetch` (Guru's code is not
 * instrumented); single requests run one at a time, so the next one is Guru's.
 */
function nextCompletionSent(): Promise<number> {
  return new Promise((resolve) => {
    globalThis.fetch = (input, init) => {
      if (String(input).endsWith("/completion")) {
        resolve(performance.now());
        globalThis.fetch = plainFetch;
      }
      return plainFetch(input, init);
    };
  });
}

/** The prompt a plain client would send: the same chat in the model's template, as text. */
async function promptRenderer(server: LlamaServerProcess): Promise<(request: GenerationRequest) => string> {
  const props = llamaServerPropsSchema.parse(await (await fetch(`${server.url}/props`)).json());
  const model = new ServedModel({ url: server.url, headers: {} }, props);
  return (request) => model.render(request.turns).toString();
}
