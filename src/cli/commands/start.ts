import type { Command } from "commander";
import { Engine } from "../../engine/engine.js";
import { ensureModelFile, isInteractive } from "../modelAvailability.js";
import { createRuntime } from "../runtime.js";

interface StartFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly logLevel?: string;
}

export function registerStart(program: Command): void {
  program
    .command("start")
    .description("Load the model and run the configured Slack and Discord bots")
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--log-level <level>", "debug, info, warn, error or silent")
    .action(async (flags: StartFlags) => {
      const runtime = createRuntime(flags);
      const modelPath = await ensureModelFile(runtime.config, runtime.secrets, {
        pull: flags.pull === true,
        interactive: isInteractive(),
      });
      const engine = await Engine.open({ modelPath, config: runtime.config.engine, logger: runtime.logger });
      process.stdout.write(
        [
          "Guru is ready, but no bot is configured, so there is nothing to listen to.",
          "  Slack:   put SLACK_BOT_TOKEN and SLACK_APP_TOKEN in .env (see README, 'Connect Slack')",
          "  Discord: put DISCORD_TOKEN and DISCORD_CLIENT_ID in .env (see README, 'Connect Discord')",
          '  Or try it here: guru ask "your question"',
          "",
        ].join("\n"),
      );
      await engine.close();
    });
}
