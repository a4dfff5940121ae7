import type { Command } from "commander";
import { oneOffThread, terminalRequest } from "../../bots/terminal/terminalAddress.js";
import { renderToTerminal } from "../../bots/terminal/terminalRenderer.js";
import { GuruError } from "../../errors.js";
import type { RequestMode } from "../../service/conversationRequest.js";
import { openGuruApp } from "../guruApp.js";
import { onInterrupt } from "../interrupt.js";
import { createRuntime } from "../runtime.js";

interface OneShotFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly json?: boolean;
  readonly logLevel?: string;
  readonly maxTokens?: number;
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
  return command
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--max-tokens <n>", "longest plain answer, in tokens", Number)
    .option("--log-level <level>", "debug, info, warn, error or silent (default: warn)");
}

async function oneShot(mode: RequestMode, words: string[], flags: OneShotFlags): Promise<void> {
  const runtime = createRuntime({ ...flags, logLevel: flags.logLevel ?? "warn" });
  const app = await openGuruApp(runtime, { pull: flags.pull === true });
  const cancel = new AbortController();
  const stopListening = onInterrupt(() => cancel.abort());
  try {
    const updates = app.service.handle(terminalRequest(oneOffThread(), words.join(" "), mode), {
      signal: cancel.signal,
    });
    const last = flags.json ? await lastUpdate(updates) : await renderToTerminal(updates, terminalOutput);
    if (flags.json && last?.type === "finished" && last.reply.kind === "analysis") {
      process.stdout.write(`${JSON.stringify(last.reply.analysis, null, 2)}\n`);
    } else if (flags.json && last?.type === "failed") {
      throw new GuruError(last.code, last.message);
    }
    if (last?.type === "failed") process.exitCode = 1;
  } finally {
    stopListening();
    await app.close();
  }
}

async function lastUpdate<T>(updates: AsyncIterable<T>): Promise<T | null> {
  let last: T | null = null;
  for await (const update of updates) last = update;
  return last;
}

const terminalOutput = {
  out: (text: string) => process.stdout.write(text),
  status: (text: string) => process.stderr.write(text),
};
