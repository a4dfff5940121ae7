/**
 * `npm run bench:warm`: time to first token of a follow-up in a long thread, when the thread's
 * slot still holds its history (warm) against when another conversation has used it (cold).
 * Goal: warm ≤ 1/5 of cold. A measurement, not a test.
 */
import { parseArgs } from "node:util";
import { configSchema } from "../src/config/configSchema.js";
import { EmbeddedEngine } from "../src/engine/embedded/embeddedEngine.js";
import { openLlamaBackend } from "../src/engine/embedded/llamaBackend.js";
import type { ChatTurn, GenerationRequest, GenerationUsage } from "../src/engine/generationTypes.js";
import { silentLogger } from "../src/log/logger.js";
import { positiveIntegerFlag } from "./support/benchArgs.js";
import { benchModelPath } from "./support/benchModel.js";
import { median } from "./support/median.js";
import { writeResults } from "./support/resultsFile.js";
import { formatTable } from "./support/table.js";

const { values } = parseArgs({
  options: {
    "thread-tokens": { type: "string" },
    repeat: { type: "string" },
    threads: { type: "string" },
    small: { type: "boolean", default: false },
  },
});
const small = values.small;
const threadTokens = positiveIntegerFlag(values["thread-tokens"], "thread-tokens", small ? 600 : 1500);
const repeat = positiveIntegerFlag(values.repeat, "repeat", small ? 2 : 5);
const threads = positiveIntegerFlag(values.threads, "threads", 1);

const words = "latency cache queue thread model token slot memory index shard replica lock".split(" ");

/** A believable thread of alternating turns, about `tokens` long. */
function longThread(engine: EmbeddedEngine, tokens: number, seed: number): ChatTurn[] {
  const turns: ChatTurn[] = [{ role: "system", text: "You are Guru, the team's assistant." }];
  let used = engine.countTokens(turns[0]?.text ?? "");
  let turn = seed;
  while (used < tokens) {
    turn += 1;
    const sentence = Array.from({ length: 40 }, (_, w) => words[(turn * 7 + w * 5) % words.length]).join(" ");
    const role = turns.length % 2 === 1 ? "user" : "assistant";
    turns.push({ role, text: `${sentence}.` });
    used += engine.countTokens(sentence) + 4;
  }
  if (turns.at(-1)?.role !== "user") turns.push({ role: "user", text: "What should we do first?" });
  return turns;
}

async function usageOf(
  engine: EmbeddedEngine,
  request: GenerationRequest,
): Promise<{ text: string; usage: GenerationUsage }> {
  for await (const event of engine.generate(request)) {
    if (event.type === "done") return { text: event.result.text, usage: event.result.usage };
  }
  throw new Error("no result");
}

const modelPath = await benchModelPath(small ? "tiny" : "bench");
const backend = await openLlamaBackend("auto", silentLogger);
const config = { ...configSchema.parse({}).engine, slots: 1, contextSize: 4096, threads, temperature: 0 };
const engine = await EmbeddedEngine.open({ modelPath, config, logger: silentLogger, backend });
const rows: {
  warmMs: number;
  coldMs: number;
  warmEvaluated: number;
  coldEvaluated: number;
  prompt: number;
}[] = [];
for (let run = 0; run < repeat; run += 1) {
  const conversation = `bench-thread-${run}`;
  const history = longThread(engine, threadTokens, run + 1);
  const previous = await usageOf(engine, { owner: "u", conversation, turns: history, maxTokens: 16 });
  const followUp: ChatTurn[] = [
    ...history,
    { role: "assistant", text: previous.text },
    { role: "user", text: "And after that, what would you measure?" },
  ];
  const warm = await usageOf(engine, { owner: "u", conversation, turns: followUp, maxTokens: 1 });
  // Another conversation takes the slot, so the thread's history is no longer cached.
  await usageOf(engine, {
    owner: "v",
    conversation: `other-${run}`,
    turns: [
      { role: "system", text: "Different persona." },
      { role: "user", text: "Unrelated." },
    ],
    maxTokens: 1,
  });
  const cold = await usageOf(engine, { owner: "u", conversation, turns: followUp, maxTokens: 1 });
  rows.push({
    warmMs: warm.usage.timeToFirstTokenMs,
    coldMs: cold.usage.timeToFirstTokenMs,
    warmEvaluated: warm.usage.promptTokens - warm.usage.cachedPromptTokens,
    coldEvaluated: cold.usage.promptTokens - cold.usage.cachedPromptTokens,
    prompt: warm.usage.promptTokens,
  });
}
await engine.close();

const warmMs = median(rows.map((r) => r.warmMs));
const coldMs = median(rows.map((r) => r.coldMs));
const ratio = warmMs / coldMs;
process.stdout.write(
  `${formatTable(
    [
      { header: "follow-up", digits: 0 },
      { header: "prompt tokens", digits: 0 },
      { header: "evaluated", digits: 0 },
      { header: "time to first token ms", digits: 1 },
    ],
    [
      [
        "warm (own slot)",
        median(rows.map((r) => r.prompt)),
        median(rows.map((r) => r.warmEvaluated)),
        warmMs,
      ],
      [
        "cold (slot reused)",
        median(rows.map((r) => r.prompt)),
        median(rows.map((r) => r.coldEvaluated)),
        coldMs,
      ],
    ],
  )}\n\nwarm / cold: ${ratio.toFixed(3)} (goal ≤ 0.2) ${ratio <= 0.2 ? "PASS" : "MISS"}\n`,
);
const path = await writeResults("warm", {
  model: { preset: small ? "tiny" : "bench", path: modelPath },
  backend: backend.info,
  settings: { threadTokens, repeat, threads },
  warmTimeToFirstTokenMs: warmMs,
  coldTimeToFirstTokenMs: coldMs,
  ratio,
  goal: { ratioAtMost: 0.2, pass: ratio <= 0.2 },
  runs: rows,
});
process.stdout.write(`results: ${path}\n`);
