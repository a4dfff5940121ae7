import type { Command } from "commander";
import type { ChatBot, ChatBotFactory, FrontConfigured } from "../../bots/chatBot.js";
import { createDiscordBot, discordConfigured } from "../../bots/discord/discordBot.js";
import { createSlackBot, slackConfigured } from "../../bots/slack/slackBot.js";
import { variableFor } from "../../config/configSettings.js";
import { consoleConfigured, createConsole } from "../../console/consoleFront.js";
import { GuruError } from "../../errors.js";
import { createMcpHttpEndpoint, mcpHttpConfigured } from "../../mcp/httpEndpoint.js";
import { Operations } from "../../ops/operations.js";
import { RequestObservers } from "../../service/requestObservers.js";
import { type GuruApp, openGuruApp } from "../guruApp.js";
import { writeStatus } from "../redactedOutput.js";
import { createRuntime, type Runtime, withServerFlag } from "../runtime.js";
import { chatInTerminal } from "./chat.js";

interface StartFlags {
  readonly config?: string;
  readonly model?: string;
  readonly pull?: boolean;
  readonly logLevel?: string;
  readonly server?: string[];
}

interface Front {
  readonly configured: FrontConfigured;
  readonly create: ChatBotFactory;
}

/** Every front Guru can serve; each starts only when it is configured (credentials, a port). */
const fronts: readonly Front[] = [
  { configured: slackConfigured, create: createSlackBot },
  { configured: discordConfigured, create: createDiscordBot },
  { configured: mcpHttpConfigured, create: createMcpHttpEndpoint },
  { configured: consoleConfigured, create: createConsole },
];

/** The first-run answer: what to set, in which file, for each front. */
function noFrontConfigured(home: string): string {
  return [
    "No front is configured: Guru has no Slack, Discord, MCP or console to serve.",
    `  Slack:   put SLACK_BOT_TOKEN and SLACK_APP_TOKEN in ${home}/.env (see docs/getting-started.md)`,
    `  Discord: put DISCORD_TOKEN in ${home}/.env`,
    `  MCP:     set ${variableFor(["mcp", "httpPort"])} (mcp.httpPort) to serve MCP over HTTP, or add \`guru mcp\` to your editor`,
    `  Console: set ${variableFor(["web", "port"])} (web.port) for a local web page (see docs/console.md)`,
    '  Or talk to it here: guru chat, or guru ask "your question"',
  ].join("\n");
}

export function registerStart(program: Command): void {
  withServerFlag(program.command("start"))
    .description(
      "Load the model (or connect to the inference servers) and run the configured Slack, Discord and MCP fronts (the terminal chat when none is)",
    )
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--log-level <level>", "debug, info, warn, error or silent")
    .action(async (flags: StartFlags) => {
      const runtime = createRuntime(flags);
      // What to serve is settled before the model is looked at: a first run learns how to add a
      // front before it is offered a 2.5 GB download.
      const configured = fronts.filter((front) => front.configured(runtime));
      if (configured.length === 0) {
        if (!process.stdin.isTTY) throw new GuruError("NOT_CONFIGURED", noFrontConfigured(runtime.home));
        writeStatus(`${noFrontConfigured(runtime.home)}\nStarting the terminal chat.\n`);
        await chatInTerminal(
          await openGuruApp(runtime, { pull: flags.pull === true }),
          runtime.config.dataDir,
        );
        return;
      }
      // Up before the model loads, so a supervisor sees "loading" rather than nothing.
      const operations = await Operations.start(runtime.config.ops, runtime.logger.child("ops"));
      try {
        const requestObservers = new RequestObservers();
        if (operations) requestObservers.add(operations.metrics);
        const app = await openGuruApp(runtime, { pull: flags.pull === true, observer: requestObservers });
        let bots: ChatBot[] = [];
        const context = {
          service: app.service,
          config: runtime.config,
          secrets: runtime.secrets,
          logger: runtime.logger,
          ...(operations ? { platformCalls: operations.metrics } : {}),
          fronts: () => bots,
          requestObservers,
        };
        bots = configured.map((front) => front.create(context)).filter((bot): bot is ChatBot => bot !== null);
        operations?.serving(app.service, bots);
        await serve(runtime, app, bots, operations);
      } finally {
        await operations?.close();
      }
      // Everything Guru owns is closed; a library's timer must not keep the process (and a service
      // manager) waiting: discord.js retries an unreachable gateway every 500 ms even after destroy().
      process.exit();
    });
}

/** Runs the bots until SIGTERM or SIGINT, then shuts down gracefully. */
async function serve(
  runtime: Runtime,
  app: GuruApp,
  bots: readonly ChatBot[],
  operations: Operations | null,
): Promise<void> {
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
  operations?.stopping();
  logger.info(
    `${signal}: shutting down — no new requests; answers in flight get ${runtime.config.engine.drainGraceMs} ms to finish`,
  );
  // Bots stop taking events and wait for their answers in flight while the engine drains them.
  await Promise.all([app.engine.drain(), ...bots.map((bot) => bot.stop())]);
  await app.close();
  logger.info("stopped cleanly");
}
