import { join } from "node:path";
import type { Command } from "commander";
import { runTerminalChat } from "../../bots/terminal/terminalChat.js";

import { type GuruApp, openGuruApp } from "../guruApp.js";
import { stopOnSignals } from "../interrupt.js";
import { writeStatus } from "../redactedOutput.js";
import { createRuntime, quietLogging, withServerFlag } from "../runtime.js";

/** Where the lines typed at `guru chat`'s prompt are kept, in Guru's data folder. */
export const chatHistoryFileName = "chat_history";

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
      const app = await openGuruApp(runtime, { pull: flags.pull === true });
      await chatInTerminal(app, runtime.config.dataDir, stop);
    });
}

/**
 * SIGTERM ends the chat. Ctrl-C on a terminal is the chat's own (it cancels the answer being
 * written, or leaves at the prompt); with piped input there is no one to return to, so it ends it.
 */
function chatStop(): AbortSignal {
  return stopOnSignals(process.stdin.isTTY === true ? ["SIGTERM"] : ["SIGINT", "SIGTERM"]);
}

/**
 * The chat until /quit, end of input or a stop signal; then the database is closed. On a
 * terminal, the lines typed are kept in `<dataDir>/chat_history` for the next chat.
 */
export async function chatInTerminal(
  app: GuruApp,
  dataDir: string,
  stop: AbortSignal = chatStop(),
): Promise<void> {
  try {
    if (stop.aborted) return;
    await runTerminalChat(app.service, {
      input: process.stdin,
      output: { out: (text) => process.stdout.write(text), status: writeStatus },
      ...(process.stdin.isTTY === true
        ? { terminal: { echo: process.stderr, historyFile: join(dataDir, chatHistoryFileName) } }
        : {}),
      stop,
    });
  } finally {
    await app.close();
  }
}
