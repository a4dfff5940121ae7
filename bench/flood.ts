/**
 * `npm run bench:flood`: do running answers keep their speed while a flood of platform events
 * arrives? Two slots run two long answers; meanwhile 1,000 `app_mention` events from 50 people
 * arrive over 10 s through the fake Slack (most are refused: queue full or rate limited). The
 * answers' decode speed during the flood is set against the same answers without it, both counted
 * over a window of the flood's length that the answers outlast (they are stopped at its end), the
 * quiet figure the mean of a run before and one after the flood. Goal: ratio ≥ 0.9. Guru's path
 * for a mention is warmed first (`--cold`: not). The fake Slack and the event sender run in a
 * child process at the lowest priority: in production Slack's side of the work is not on this
 * machine. A measurement, not a test.
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { setTimeout } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SlackBot } from "../src/bots/slack/slackBot.js";
import { configSchema } from "../src/config/configSchema.js";
import { EmbeddedEngine } from "../src/engine/embedded/embeddedEngine.js";
import { silentLogger } from "../src/log/logger.js";
import { secrets } from "../test/slack/slackRig.js";
import { childProcesses } from "../test/support/childProcesses.js";
import { openServiceRig } from "../test/support/serviceHarness.js";
import { positiveIntegerFlag } from "./support/benchArgs.js";
import { benchModelPath } from "./support/benchModel.js";
import type { FromFloodSlack, ToFloodSlack } from "./support/floodSlack.js";
import { writeResults } from "./support/resultsFile.js";

const { values } = parseArgs({
  options: {
    events: { type: "string" },
    seconds: { type: "string" },
    threads: { type: "string" },
    cold: { type: "boolean", default: false },
  },
});
const eventCount = positiveIntegerFlag(values.events, "events", 1000);
const floodSeconds = positiveIntegerFlag(values.seconds, "seconds", 10);
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
const rig = openServiceRig(engine, { checkpoints: "background" });
const slackProcess = fork(fileURLToPath(new URL("./support/floodSlack.ts", import.meta.url)), {
  execArgv: ["--import", "tsx"],
});
// A failed run must not leave the fake Slack running.
process.on("exit", () => slackProcess.kill());
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
  /** `Date.now()` of each text delta (one a token, but for a character split across tokens). */
  readonly textTimes: readonly number[];
}

/**
 * One long answer straight on the engine, stopped by `stop`; `started` resolves once its first
 * text arrives. The context's room (2,048 tokens) is far more than a window's worth of tokens.
 */
function longAnswer(index: number, stop: AbortSignal): { started: Promise<void>; done: Promise<Answer> } {
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
      maxTokens: 100_000,
      ignoreEndOfText: true,
      seed: 11 + index,
      signal: stop,
    });
    try {
      for await (const event of events) {
        if (event.type === "done") {
          const { stopReason, usage } = event.result;
          throw new Error(
            `an answer ended before its window did (${stopReason} after ${usage.generatedTokens} tokens)`,
          );
        }
        if (event.type !== "text") continue;
        textTimes.push(Date.now());
        markStarted();
      }
      throw new Error("an answer's stream ended without its result");
    } catch (error) {
      if (stop.aborted) return { textTimes };
      throw error;
    }
  })();
  return { started, done };
}

interface Measured {
  readonly answers: Answer[];
  /** `Date.now()` once both answers were streaming, and when the window closed. */
  readonly startedAt: number;
  readonly endedAt: number;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** Runs two answers through `window` (which resolves when it is over), then stops them. */
async function twoAnswers(window: () => Promise<void>): Promise<Measured> {
  const stop = new AbortController();
  const asked = Date.now();
  const runs = [longAnswer(0, stop.signal), longAnswer(1, stop.signal)];
  await Promise.all(runs.map((run) => run.started));
  const startedAt = Date.now();
  await window();
  const endedAt = Date.now();
  progress(
    `  (both answering after ${(startedAt - asked) / 1000} s, window ${(endedAt - startedAt) / 1000} s)`,
  );
  stop.abort();
  return { answers: await Promise.all(runs.map((run) => run.done)), startedAt, endedAt };
}

const quietWindow = () => setTimeout(floodSeconds * 1000);

/** Text deltas a second, per answer, inside the window. */
function windowRate({ answers, startedAt, endedAt }: Measured): number {
  const rates = answers.map(
    ({ textTimes }) =>
      (textTimes.filter((t) => t > startedAt && t <= endedAt).length * 1000) / (endedAt - startedAt),
  );
  return rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
}

/**
 * CPU seconds used so far (Linux /proc): Guru's main thread, the engine's process (the model's
 * threads), and the Slack process.
 */
function cpuSeconds(): { mainThread: number; engineProcess: number; slackProcess: number } {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const children = childProcesses();
  const cpuOf = (isSlack: boolean) =>
    children
      .filter((child) => (child.pid === slackProcess.pid) === isSlack)
      .reduce((sum, child) => sum + child.cpuMs / 1000, 0);
  return {
    mainThread: (Number(fields[11]) + Number(fields[12])) / 100,
    engineProcess: cpuOf(false),
    slackProcess: cpuOf(true),
  };
}

/** Tells the Slack process to send a flood; resolves when every event was acknowledged. */
function flood(
  order: Extract<ToFloodSlack, { type: "flood" }>,
): Promise<Extract<FromFloodSlack, { type: "flooded" }>> {
  return new Promise((resolve) => {
    const onMessage = (message: FromFloodSlack) => {
      if (message.type !== "flooded") return;
      slackProcess.off("message", onMessage);
      resolve(message);
    };
    slackProcess.on("message", onMessage);
    slackProcess.send(order);
  });
}

/** Until the questions left waiting are answered and the bot has posted its replies (a minute at most). */
async function settle(): Promise<{ settled: boolean; settleSeconds: number }> {
  while (engine.stats().busy + engine.stats().waiting > 0) await setTimeout(100);
  const settleStarted = Date.now();
  const settled = await Promise.race([bot.idle().then(() => true), setTimeout(60_000, false)]);
  return { settled, settleSeconds: (Date.now() - settleStarted) / 1000 };
}

// Warm up the model and both slots once, outside the measurement, and (unless `--cold`) Guru's
// path for a mention, refused or queued, as a Guru that has been running has it: one person
// mentions it 100 times in a second (4 are queued, the rest refused), and those 4 are answered.
await twoAnswers(async () => {
  await setTimeout(1000);
  if (!values.cold) await flood({ type: "flood", events: 100, seconds: 1, people: 1, group: "WARMUP" });
});
if (!values.cold) await settle();
progress("warmed up; the two answers without the flood…");
const quietBefore = await twoAnswers(quietWindow);
progress("…with the flood…");
const cpuBefore = cpuSeconds();
let floodTimes = { type: "flooded", startedAt: 0, endedAt: 0, slowestAckMs: 0 };
const flooded = await twoAnswers(async () => {
  floodTimes = await flood({
    type: "flood",
    events: eventCount,
    seconds: floodSeconds,
    people,
    group: "FLOOD",
  });
});
const cpuAfter = cpuSeconds();
const floodCpu = {
  mainThread: cpuAfter.mainThread - cpuBefore.mainThread,
  engineProcess: cpuAfter.engineProcess - cpuBefore.engineProcess,
  slackProcess: cpuAfter.slackProcess - cpuBefore.slackProcess,
};
// The questions the flood left waiting are answered first, so that the last quiet run is quiet.
const { settled, settleSeconds } = await settle();
progress("…and without it again");
const quietAfter = await twoAnswers(quietWindow);
const quietRates = { before: windowRate(quietBefore), after: windowRate(quietAfter) };
const quietRate = (quietRates.before + quietRates.after) / 2;
const floodRate = windowRate(flooded);
const ratio = floodRate / quietRate;
const threads = engine.stats().threads;
await engine.close();
slackProcess.send({ type: "close" } satisfies ToFloodSlack);

const pass = ratio >= 0.9;
process.stdout.write(
  [
    `Two long answers on 2 slots (${threads} threads); ${eventCount} Slack mentions (Socket Mode) from ${people} people over ${floodSeconds} s`,
    `  quiet: ${quietRate.toFixed(1)} tok/s per answer over ${floodSeconds} s (before the flood ${quietRates.before.toFixed(1)}, after ${quietRates.after.toFixed(1)})`,
    `  flood: ${floodRate.toFixed(1)} tok/s per answer while the events arrived (${((floodTimes.endedAt - floodTimes.startedAt) / 1000).toFixed(1)} s; slowest ack ${floodTimes.slowestAckMs.toFixed(0)} ms)`,
    `  CPU while the answers ran with the flood: Guru's main thread ${floodCpu.mainThread.toFixed(1)} s, the engine's process ${floodCpu.engineProcess.toFixed(1)} s, the Slack process ${floodCpu.slackProcess.toFixed(1)} s`,
    `  the quiet run after the flood began ${settleSeconds.toFixed(1)} s after it, ${settled ? "once the bot had posted every refusal" : "with the bot still posting refusals"}`,
    `  ratio flood ÷ quiet: ${ratio.toFixed(2)} (goal ≥ 0.9) ${pass ? "PASS" : "MISS"}`,
    "  The fake Slack and the event sender run in a child process at the lowest priority: in production Slack's work is not on this machine.",
    "",
  ].join("\n"),
);
const path = await writeResults("flood", {
  ratio,
  quietTokensPerSecond: quietRate,
  floodTokensPerSecond: floodRate,
  quietRunsTokensPerSecond: quietRates,
  quietAfterFlood: { settled, settleSeconds },
  settings: {
    events: eventCount,
    seconds: floodSeconds,
    people,
    transport: "socket",
    threads,
    warmedUp: !values.cold,
  },
  flood: floodTimes,
  floodCpuSeconds: floodCpu,
  goal: { ratioAtLeast: 0.9, pass },
});
process.stdout.write(`results: ${path}\n`);
// Not waiting for the bot's last paced edits (refusals to the questions left waiting): not measured.
rig.close();
process.exit(0);
