/**
 * `npm run bench:gpu`: a random-weight GGUF with Phi-4 Mini's exact shapes on the GPU —
 * single-stream decode tok/s against the memory-bandwidth ceiling (bytes read per token ÷ the
 * card's bandwidth), and aggregate tok/s for 1, 4 and 16 concurrent requests through Guru's
 * queue. `--small` runs the same steps on CPU with the tiny model (a smoke test of the script).
 */
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureModel } from "../scripts/gguf/generateModel.js";
import { configSchema } from "../src/config/configSchema.js";
import { EmbeddedEngine } from "../src/engine/embedded/embeddedEngine.js";
import { openLlamaBackend } from "../src/engine/embedded/llamaBackend.js";
import { silentLogger } from "../src/log/logger.js";
import { choiceFlag, positiveIntegerFlag, positiveIntegerListFlag } from "./support/benchArgs.js";
import { nextBenchTurns } from "./support/benchPrompt.js";
import { knownBandwidthGBs } from "./support/gpuBandwidth.js";
import { generateThroughGuru } from "./support/guruStream.js";
import { writeResults } from "./support/resultsFile.js";
import { formatTable } from "./support/table.js";
import { measureBatch } from "./support/throughput.js";

const startedAt = performance.now();
const { values } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    quant: { type: "string" },
    tokens: { type: "string" },
    concurrency: { type: "string" },
    "bandwidth-gbs": { type: "string" },
  },
});
const small = values.small;
const quant = choiceFlag(values.quant, "quant", ["Q4_0", "Q8_0"] as const, "Q4_0");
const tokens = positiveIntegerFlag(values.tokens, "tokens", small ? 32 : 128);
const concurrency = positiveIntegerListFlag(values.concurrency, "concurrency", [1, 4, 16]);
const maxConcurrency = Math.max(...concurrency);

const backend = await openLlamaBackend(small ? "cpu" : "auto", silentLogger);
if (!small && backend.info.kind === "cpu") {
  process.stderr.write("No GPU was found: run with --small for a CPU smoke test of this benchmark.\n");
  process.exit(1);
}
const cacheDir = fileURLToPath(new URL(".cache/models/", import.meta.url));
const writeStarted = performance.now();
const modelPath = small
  ? await ensureModel("tiny", cacheDir)
  : await ensureModel("phi4", cacheDir, { quant });
const writeSeconds = (performance.now() - writeStarted) / 1000;
const modelBytes = statSync(modelPath).size;

const loadStarted = performance.now();
const engine = await EmbeddedEngine.open({
  modelPath,
  config: {
    ...configSchema.parse({}).engine,
    gpu: small ? "cpu" : "auto",
    slots: maxConcurrency,
    contextSize: 512,
    maxWaiting: maxConcurrency,
    maxWaitingPerUser: maxConcurrency,
    ...(small ? { threads: 1 } : {}),
  },
  logger: silentLogger,
  backend,
});
const loadSeconds = (performance.now() - loadStarted) / 1000;

const run = (index: number) =>
  generateThroughGuru(engine, {
    owner: `user-${index}`,
    turns: nextBenchTurns(),
    maxTokens: tokens,
    ignoreEndOfText: true,
  });
await run(0);

// Decode speed alone (after the first token), the figure the bandwidth ceiling bounds.
let singleDecode = 0;
for await (const event of engine.generate({
  owner: "single",
  turns: nextBenchTurns(),
  maxTokens: tokens,
  ignoreEndOfText: true,
})) {
  if (event.type === "done") singleDecode = event.result.usage.tokensPerSecond;
}
const batches = [];
for (const requests of concurrency) batches.push(await measureBatch(requests, "concurrent", run));
await engine.close();

const bandwidth = values["bandwidth-gbs"]
  ? Number(values["bandwidth-gbs"])
  : knownBandwidthGBs(backend.info.deviceNames);
// Every weight is read once per decoded token (the KV cache of a short prompt is negligible).
const ceiling = bandwidth ? (bandwidth * 1e9) / modelBytes : null;
const device =
  backend.info.kind === "cpu" ? "CPU" : `${backend.info.kind} ${backend.info.deviceNames.join(", ")}`;
process.stdout.write(
  `model: ${small ? "tiny (smoke test)" : `Phi-4 Mini shape, ${quant}`}, ${(modelBytes / 1e9).toFixed(2)} GB, written in ${writeSeconds.toFixed(1)} s, loaded in ${loadSeconds.toFixed(1)} s on ${device}\n\n`,
);
process.stdout.write(
  `${formatTable(
    [{ header: "measure" }, { header: "tok/s", digits: 1 }, { header: "of ceiling", digits: 3 }],
    [
      ["single stream decode", singleDecode, ceiling ? singleDecode / ceiling : undefined],
      ["bandwidth ceiling", ceiling ?? undefined, undefined],
      ...batches.map((batch) => [
        `${batch.requests} concurrent (aggregate)`,
        batch.tokensPerSecond,
        undefined,
      ]),
    ],
  )}\n`,
);
if (!ceiling)
  process.stdout.write("(no bandwidth known for this device: pass --bandwidth-gbs N for the ceiling)\n");
const totalSeconds = (performance.now() - startedAt) / 1000;
const path = await writeResults(small ? "gpu-small" : "gpu", {
  model: {
    shape: small ? "tiny" : "phi4",
    quant: small ? "F32" : quant,
    bytes: modelBytes,
    writeSeconds,
    loadSeconds,
  },
  backend: backend.info,
  bandwidthGBs: bandwidth,
  ceilingTokensPerSecond: ceiling,
  singleStreamDecodeTokensPerSecond: singleDecode,
  concurrent: batches.map(({ requests, tokensPerSecond, meanTimeToFirstTokenMs }) => ({
    requests,
    tokensPerSecond,
    meanTimeToFirstTokenMs,
  })),
  totalSeconds,
});
process.stdout.write(`whole run: ${totalSeconds.toFixed(1)} s; results: ${path}\n`);
