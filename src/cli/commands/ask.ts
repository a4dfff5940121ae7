import type { Command } from "commander";
import { oneOffThread, terminalRequest } from "../../bots/terminal/terminalAddress.js";
import { renderToTerminal } from "../../bots/terminal/terminalRenderer.js";
import { GuruError } from "../../errors.js";
import type { RequestMode } from "../../service/conversationRequest.js";
import { type GuruApp, openGuruApp } from "../guruApp.js";
import { stopOnSignals } from "../interrupt.js";
import { writeStatus } from "../redactedOutput.js";
import { createRuntime, quietLogging, withServerFlag } from "../runtime.js";

interface OneShotFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly json?: boolean;
  readonly logLevel?: string;
  readonly maxTokens?: number;
  readonly server?: string[];
}

export function registerAsk(program: Command): void {
  withModelFlags(
    program
      .command("ask")
      .description("Answer one question, streamed to stdout")
      .argument("<question...>", "the question (quote it, or pass several words)"),
  ).action((words: string[], flags: OneShotFlags) => oneShot("ask", words, flags));

  withModelFlags(
    program
      .command("analyze")
      .description(
        "A structured cognitive analysis: reasoning, patterns, recommendations, computed confidence",
      )
      .argument("<question...>", "what to analyse")
      .option("--json", "print the analysis object (schemas/cognitive-analysis.v1.json) instead of Markdown"),
  ).action((words: string[], flags: OneShotFlags) => oneShot("analyze", words, flags));
}

function withModelFlags(command: Command): Command {
  return withServerFlag(command)
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--max-tokens <n>", "longest plain answer, in tokens", Number)
    .option("--log-level <level>", "debug, info, warn, error or silent (default: logLevel, else warn)");
}

async function oneShot(mode: RequestMode, words: string[], flags: OneShotFlags): Promise<void> {
  // Listening from the start to the process's end: a signal while the model loads, or while the
  // process winds down after the answer, stops it cleanly too.
  const stop = stopOnSignals();
  const runtime = createRuntime(flags, quietLogging);
  const app = await openGuruApp(runtime, { pull: flags.pull === true });
  try {
    if (!stop.aborted) await answer(app, mode, words.join(" "), flags.json === true, stop);
  } finally {
    await app.close();
  }
}

/** Streams the reply; a stop by signal is not a failure: what there was is kept and the exit is 0. */
async function answer(app: GuruApp, mode: RequestMode, question: string, json: boolean, stop: AbortSignal) {
  const updates = app.service.handle(terminalRequest(oneOffThread(), question, mode), { signal: stop });
  const last = json ? await lastUpdate(updates) : await renderToTerminal(updates, terminalOutput);
  if (last?.type !== "failed") {
    if (json && last?.type === "finished" && last.reply.kind === "analysis")
      process.stdout.write(`${JSON.stringify(last.reply.analysis, null, 2)}\n`);
    return;
  }
  if (stop.aborted) {
    if (json) writeStatus(`GURU_${last.code}: ${last.message}\n`);
    return;
  }
  if (json) throw new GuruError(last.code, last.message);
  process.exitCode = 1;
}

async function lastUpdate<T>(updates: AsyncIterable<T>): Promise<T | null> {
  let last: T | null = null;
  for await (const update of updates) last = update;
  return last;
}

const terminalOutput = {
  out: (text: string) => process.stdout.write(text),
  status: writeStatus,
};
