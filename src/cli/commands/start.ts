import type { Command } from "commander";
import type { ChatBot, ChatBotFactory } from "../../bots/chatBot.js";
import { createDiscordBot } from "../../bots/discord/discordBot.js";
import { createSlackBot } from "../../bots/slack/slackBot.js";
import { createMcpHttpEndpoint } from "../../mcp/httpEndpoint.js";
import { type GuruApp, openGuruApp } from "../guruApp.js";
import { createRuntime, type Runtime, withServerFlag } from "../runtime.js";
import { chatInTerminal } from "./chat.js";

interface StartFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly logLevel?: string;
  readonly server?: string[];
}

/** Every front Guru can serve; each starts only when it is configured (credentials, a port). */
const botFactories: readonly ChatBotFactory[] = [createSlackBot, createDiscordBot, createMcpHttpEndpoint];

const noBotConfigured = [
  "No bot is configured (no Slack or Discord credentials were found).",
  "  Slack:   put SLACK_BOT_TOKEN and SLACK_APP_TOKEN in .env (see README, 'Connect Slack')",
  "  Discord: put DISCORD_TOKEN in .env (see README, 'Connect Discord')",
  '  Or talk to it here: guru chat, or guru ask "your question"',
  "",
].join("\n");

export function registerStart(program: Command): void {
  withServerFlag(program.command("start"))
    .description(
      "Load the model and run the configured Slack and Discord bots (the terminal chat when none is)",
    )
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--log-level <level>", "debug, info, warn, error or silent")
    .action(async (flags: StartFlags) => {
      const runtime = createRuntime(flags);
      const app = await openGuruApp(runtime, { pull: flags.pull === true });
      const context = {
        service: app.service,
        config: runtime.config,
        secrets: runtime.secrets,
        logger: runtime.logger,
      };
      const bots = botFactories
        .map((create) => create(context))
        .filter((bot): bot is ChatBot => bot !== null);
      if (bots.length === 0) {
        if (process.stdin.isTTY) {
          process.stderr.write(`${noBotConfigured}Starting the terminal chat.\n`);
          await chatInTerminal(app);
          return;
        }
        process.stdout.write(noBotConfigured);
        await app.close();
        return;
      }
      await serve(runtime, app, bots);
    });
}

/** Runs the bots until SIGTERM or SIGINT, then shuts down gracefully. */
async function serve(runtime: Runtime, app: GuruApp, bots: readonly ChatBot[]): Promise<void> {
  const { logger } = runtime;
  const started: ChatBot[] = [];
  try {
    for (const bot of bots) {
      await bot.start();
      started.push(bot);
    }
  } catch (error) {
    await Promise.allSettled(started.map((bot) => bot.stop()));
    await app.close();
    throw error;
  }
  logger.info(`Guru is listening on ${bots.map((bot) => bot.name).join(" and ")}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  logger.info(
    `${signal}: shutting down — no new requests; answers in flight get ${runtime.config.engine.drainGraceMs} ms to finish`,
  );
  // Bots stop taking events and wait for their answers in flight while the engine drains them.
  await Promise.all([app.engine.drain(), ...bots.map((bot) => bot.stop())]);
  await app.close();
  logger.info("stopped cleanly");
}
