/**
 * `npm run bench:flood`: do running answers keep their speed while a flood of platform events
 * arrives? Two slots run two long answers; meanwhile 1,000 `app_mention` events from 50 people
 * arrive over 10 s through the fake Slack (most are refused: queue full or rate limited). The
 * answers' decode speed during the flood is set against the same answers without it. Goal: ratio
 * ≥ 0.9. The fake Slack and the event sender run in a child process at the lowest priority: in
 * production Slack's side of the work is not on this machine. A measurement, not a test.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SlackBot } from "../src/bots/slack/slackBot.js";
import { configSchema } from "../src/config/configSchema.js";
import { EmbeddedEngine } from "../src/engine/embedded/embeddedEngine.js";
import type { GenerationUsage } from "../src/engine/generationTypes.js";
import { silentLogger } from "../src/log/logger.js";
import { secrets } from "../test/slack/slackRig.js";
import { openServiceRig } from "../test/support/serviceHarness.js";
import { positiveIntegerFlag } from "./support/benchArgs.js";
import { benchModelPath } from "./support/benchModel.js";
import type { FromFloodSlack, ToFloodSlack } from "./support/floodSlack.js";
import { writeResults } from "./support/resultsFile.js";

const { values } = parseArgs({
  options: {
    events: { type: "string" },
    seconds: { type: "string" },
    tokens: { type: "string" },
    threads: { type: "string" },
  },
});
const eventCount = positiveIntegerFlag(values.events, "events", 1000);
const floodSeconds = positiveIntegerFlag(values.seconds, "seconds", 10);
const answerTokens = positiveIntegerFlag(values.tokens, "tokens", 200);
const people = 50;
/** The engine's CPU threads: "auto" (Guru's own choice) unless told. */
const threadsFlag = values.threads === undefined ? "auto" : positiveIntegerFlag(values.threads, "threads", 2);

const defaults = configSchema.parse({});
const modelPath = await benchModelPath("bench");
const engine = await EmbeddedEngine.open({
  modelPath,
  config: { ...defaults.engine, gpu: "cpu", slots: 2, contextSize: 2048, threads: threadsFlag },
  logger: silentLogger,
});
const rig = openServiceRig(engine);
const slackProcess = fork(fileURLToPath(new URL("./support/floodSlack.ts", import.meta.url)), {
  execArgv: ["--import", "tsx"],
});
const slackUp = (type: FromFloodSlack["type"]) =>
  new Promise<FromFloodSlack>((resolve) =>
    slackProcess.on("message", (message: FromFloodSlack) => message.type === type && resolve(message)),
  );
const ready = await slackUp("ready");
if (slackProcess.pid !== undefined) setPriority(slackProcess.pid, 19);
const connected = slackUp("connected");
const bot = new SlackBot({
  service: rig.service,
  config: configSchema.parse({
    slack: { mode: "socket", apiUrl: ready.type === "ready" ? ready.apiUrl : "" },
  }),
  secrets,
  logger: silentLogger,
});
await bot.start();
await connected;

interface Answer {
  readonly usage: GenerationUsage;
  /** `Date.now()` of each text delta (one a token, but for a character split across tokens). */
  readonly textTimes: readonly number[];
}

/** One long answer straight on the engine; `started` resolves once its first text arrives. */
function longAnswer(index: number): { started: Promise<void>; done: Promise<Answer> } {
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const done = (async () => {
    const textTimes: number[] = [];
    const events = engine.generate({
      owner: `long-${index}`,
      turns: [
        { role: "system", text: "You are Guru, a helpful assistant." },
        { role: "user", text: `Explain in depth, step ${index}: how should we shard a billing database?` },
      ],
      maxTokens: answerTokens,
      ignoreEndOfText: true,
      seed: 11 + index,
    });
    for await (const event of events) {
      if (event.type === "text") {
        textTimes.push(Date.now());
        markStarted();
      }
      if (event.type === "done") return { usage: event.result.usage, textTimes };
    }
    throw new Error("the answer ended without a result");
  })();
  return { started, done };
}

interface Measured {
  readonly answers: Answer[];
  /** `Date.now()` once both answers were streaming (when the flood starts). */
  readonly startedAt: number;
}

async function twoAnswers(duringAnswers: () => Promise<void>): Promise<Measured> {
  const runs = [longAnswer(0), longAnswer(1)];
  await Promise.all(runs.map((run) => run.started));
  const startedAt = Date.now();
  await duringAnswers();
  return { answers: await Promise.all(runs.map((run) => run.done)), startedAt };
}

/** Text deltas a second per answer from `startedAt` over `windowMs` (or until the answer ended). */
function windowRate(measured: Measured, windowMs: number): number {
  const rates = measured.answers.map(({ textTimes }) => {
    const end = Math.min(measured.startedAt + windowMs, textTimes.at(-1) ?? measured.startedAt);
    const inWindow = textTimes.filter((t) => t > measured.startedAt && t <= end).length;
    return end > measured.startedAt ? (inWindow * 1000) / (end - measured.startedAt) : 0;
  });
  return rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
}

function meanDecodeRate(measured: Measured): number {
  return measured.answers.reduce((sum, a) => sum + a.usage.tokensPerSecond, 0) / measured.answers.length;
}

/** CPU seconds used so far (Linux /proc): this process's main thread, all of it, and the Slack process. */
function cpuSeconds(): { mainThread: number; wholeProcess: number; slackProcess: number } {
  const ticks = (path: string) => {
    try {
      const fields = readFileSync(path, "utf8").split(") ")[1]?.split(" ") ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  };
  return {
    mainThread: ticks(`/proc/self/task/${process.pid}/stat`),
    wholeProcess: ticks("/proc/self/stat"),
    slackProcess: ticks(`/proc/${slackProcess.pid}/stat`),
  };
}

/** Tells the Slack process to send the flood; resolves when every event was acknowledged. */
function flood(): Promise<Extract<FromFloodSlack, { type: "flooded" }>> {
  return new Promise((resolve) => {
    const onMessage = (message: FromFloodSlack) => {
      if (message.type !== "flooded") return;
      slackProcess.off("message", onMessage);
      resolve(message);
    };
    slackProcess.on("message", onMessage);
    const order: ToFloodSlack = { type: "flood", events: eventCount, seconds: floodSeconds, people };
    slackProcess.send(order);
  });
}

const progress = (line: string) => process.stderr.write(`${line}\n`);
// Warm up the model and both slots once, outside the measurement.
await twoAnswers(async () => {});
progress("warmed up; the two answers without the flood…");
const quiet = await twoAnswers(async () => {});
progress("…and with the flood");
const cpuBefore = cpuSeconds();
let floodTimes = { type: "flooded", startedAt: 0, endedAt: 0, slowestAckMs: 0 };
const flooded = await twoAnswers(async () => {
  floodTimes = await flood();
});
const cpuAfter = cpuSeconds();
const floodCpu = {
  mainThread: cpuAfter.mainThread - cpuBefore.mainThread,
  wholeProcess: cpuAfter.wholeProcess - cpuBefore.wholeProcess,
  slackProcess: cpuAfter.slackProcess - cpuBefore.slackProcess,
};
const windowMs = floodTimes.endedAt - floodTimes.startedAt;
const quietRate = windowRate(quiet, windowMs);
const floodRate = windowRate(flooded, windowMs);
const ratio = floodRate / quietRate;
const lastText = Math.max(...flooded.answers.map((a) => a.textTimes.at(-1) ?? 0));
const answeredAfterFlood = Math.max(0, lastText - floodTimes.endedAt) / 1000;
const threads = engine.stats().threads;

// Questions the flood left waiting are refused as Guru shuts down; they are not measured.
await engine.drain(0);
await engine.close();
slackProcess.send({ type: "close" } satisfies ToFloodSlack);

const pass = ratio >= 0.9;
process.stdout.write(
  [
    `Two answers of ${answerTokens} tokens on 2 slots (${threads} threads); ${eventCount} Slack mentions (Socket Mode) from ${people} people over ${floodSeconds} s`,
    `  quiet: ${quietRate.toFixed(1)} tok/s per answer over the flood's ${(windowMs / 1000).toFixed(1)} s (whole answer: ${meanDecodeRate(quiet).toFixed(1)})`,
    `  flood: ${floodRate.toFixed(1)} tok/s per answer while the events arrived (whole answer: ${meanDecodeRate(flooded).toFixed(1)}; slowest ack ${floodTimes.slowestAckMs.toFixed(0)} ms; answers ended ${answeredAfterFlood.toFixed(1)} s after the flood)`,
    `  CPU while the answers ran with the flood: Guru's main thread ${floodCpu.mainThread.toFixed(1)} s, Guru in all ${floodCpu.wholeProcess.toFixed(1)} s, the Slack process ${floodCpu.slackProcess.toFixed(1)} s`,
    `  ratio flood ÷ quiet: ${ratio.toFixed(2)} (goal ≥ 0.9) ${pass ? "PASS" : "MISS"}`,
    "  The fake Slack and the event sender run in a child process at the lowest priority: in production Slack's work is not on this machine.",
    "",
  ].join("\n"),
);
const path = await writeResults("flood", {
  ratio,
  quietTokensPerSecond: quietRate,
  floodTokensPerSecond: floodRate,
  wholeAnswerTokensPerSecond: { quiet: meanDecodeRate(quiet), flood: meanDecodeRate(flooded) },
  settings: {
    events: eventCount,
    seconds: floodSeconds,
    tokens: answerTokens,
    people,
    transport: "socket",
    threads,
  },
  flood: floodTimes,
  floodCpuSeconds: floodCpu,
  answersEndedAfterFloodSeconds: answeredAfterFlood,
  goal: { ratioAtLeast: 0.9, pass },
  quiet: quiet.answers.map((a) => a.usage),
  flooded: flooded.answers.map((a) => a.usage),
});
process.stdout.write(`results: ${path}\n`);
// Not waiting for the bot's last paced edits (refusals to the questions left waiting): not measured.
rig.close();
process.exit(0);
