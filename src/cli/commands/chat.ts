import type { Command } from "commander";
import { runTerminalChat } from "../../bots/terminal/terminalChat.js";
import { type GuruApp, openGuruApp } from "../guruApp.js";
import { stopOnSignals } from "../interrupt.js";
import { writeStatus } from "../redactedOutput.js";
import { createRuntime, quietLogging, withServerFlag } from "../runtime.js";

interface ChatFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly logLevel?: string;
  readonly server?: string[];
}

export function registerChat(program: Command): void {
  withServerFlag(program.command("chat"))
    .description(
      "Talk with Guru in this terminal (streaming, memory, /analyze, /forget, /memory, /status, /quit)",
    )
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--log-level <level>", "debug, info, warn, error or silent (default: logLevel, else warn)")
    .action(async (flags: ChatFlags) => {
      // Listening from the start: a signal while the model loads stops cleanly too.
      const stop = chatStop();
      const runtime = createRuntime(flags, quietLogging);
      await chatInTerminal(await openGuruApp(runtime, { pull: flags.pull === true }), stop);
    });
}

/**
 * SIGTERM ends the chat. Ctrl-C on a terminal is the chat's own (it cancels the answer being
 * written, or leaves at the prompt); with piped input there is no one to return to, so it ends it.
 */
function chatStop(): AbortSignal {
  return stopOnSignals(process.stdin.isTTY === true ? ["SIGTERM"] : ["SIGINT", "SIGTERM"]);
}

/** The chat until /quit, end of input or a stop signal; then the database is closed. */
export async function chatInTerminal(app: GuruApp, stop: AbortSignal = chatStop()): Promise<void> {
  try {
    if (stop.aborted) return;
    await runTerminalChat(app.service, {
      input: process.stdin,
      prompt: process.stdin.isTTY === true,
      output: { out: (text) => process.stdout.write(text), status: writeStatus },
      stop,
    });
  } finally {
    await app.close();
  }
}
