import type { Command } from "commander";
import { runTerminalChat } from "../../bots/terminal/terminalChat.js";
import { openGuruApp } from "../guruApp.js";
import { createRuntime } from "../runtime.js";

interface ChatFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly logLevel?: string;
}

export function registerChat(program: Command): void {
  program
    .command("chat")
    .description(
      "Talk with Guru in this terminal (streaming, memory, /analyze, /forget, /memory, /status, /quit)",
    )
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--log-level <level>", "debug, info, warn, error or silent (default: warn)")
    .action(async (flags: ChatFlags) => {
      const runtime = createRuntime({ ...flags, logLevel: flags.logLevel ?? "warn" });
      await chatInTerminal(await openGuruApp(runtime, { pull: flags.pull === true }));
    });
}

export async function chatInTerminal(app: Awaited<ReturnType<typeof openGuruApp>>): Promise<void> {
  try {
    await runTerminalChat(app.service, {
      input: process.stdin,
      prompt: process.stdin.isTTY === true,
      output: {
        out: (text) => process.stdout.write(text),
        status: (text) => process.stderr.write(text),
      },
    });
  } finally {
    await app.close();
  }
}
