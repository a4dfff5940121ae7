import type { Command } from "commander";
import { openGuruApp } from "../guruApp.js";
import { createRuntime } from "../runtime.js";
import { chatInTerminal } from "./chat.js";

interface StartFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly logLevel?: string;
}

const noBotConfigured = [
  "No bot is configured, so Guru has nothing to listen to.",
  "  Slack:   put SLACK_BOT_TOKEN and SLACK_APP_TOKEN in .env (see README, 'Connect Slack')",
  "  Discord: put DISCORD_TOKEN and DISCORD_CLIENT_ID in .env (see README, 'Connect Discord')",
  '  Or talk to it here: guru chat, or guru ask "your question"',
  "",
].join("\n");

export function registerStart(program: Command): void {
  program
    .command("start")
    .description(
      "Load the model and run the configured Slack and Discord bots (the terminal chat when none is)",
    )
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--log-level <level>", "debug, info, warn, error or silent")
    .action(async (flags: StartFlags) => {
      const runtime = createRuntime(flags);
      const app = await openGuruApp(runtime, { pull: flags.pull === true });
      if (process.stdin.isTTY) {
        process.stderr.write(
          noBotConfigured.replace("so Guru has nothing to listen to", "so here is the terminal chat"),
        );
        await chatInTerminal(app);
        return;
      }
      process.stdout.write(noBotConfigured);
      await app.close();
    });
}
