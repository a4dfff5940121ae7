import { DiscordBot } from "../../src/bots/discord/discordBot.js";
import { defaultTimings } from "../../src/bots/discord/handlerContext.js";
import { configSchema } from "../../src/config/configSchema.js";
import { secretValues } from "../../src/config/secrets.js";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationRequest } from "../../src/engine/generationTypes.js";
import { createLogger } from "../../src/log/logger.js";
import { createRedactor } from "../../src/log/redactor.js";
import type { ConversationService } from "../../src/service/conversationService.js";
import { waitFor } from "../discord/discordRig.js";
import { openSlackRig, type SlackRig, type SlackSettings, type Transport } from "../slack/slackRig.js";
import type { DiscordWorld } from "../support/fakeDiscord/discordWorld.js";
import { FakeDiscord } from "../support/fakeDiscord/fakeDiscord.js";
import { openServiceRig } from "../support/serviceHarness.js";

export type DiscordSettings = Record<string, unknown> | ((world: DiscordWorld) => Record<string, unknown>);

/** Guru's Discord bot on a given service, against its own fake Discord, logging at debug level. */
export interface DiscordFront {
  readonly fake: FakeDiscord;
  readonly bot: DiscordBot;
  /** Every log line the bot wrote (after redaction, as `guru start` writes them). */
  readonly logs: string[];
  /** Returns once every dispatch sent so far has been handled and answered. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function openDiscordFront(
  service: ConversationService,
  settings: DiscordSettings = {},
): Promise<DiscordFront> {
  const fake = await FakeDiscord.start();
  const token = fake.world.token;
  const logs: string[] = [];
  const logger = createLogger({
    level: "debug",
    redact: createRedactor(secretValues({ discordToken: token })),
    write: (line) => logs.push(line),
  });
  const discord = typeof settings === "function" ? settings(fake.world) : settings;
  const config = configSchema.parse({
    logLevel: "debug",
    discord: { registerCommandsAtStart: false, editIntervalMs: 200, ...discord, apiUrl: fake.apiUrl },
  });
  const bot = new DiscordBot(
    { service, config, secrets: { discordToken: token }, logger },
    token,
    defaultTimings,
  );
  try {
    await bot.start();
  } catch (error) {
    await fake.close();
    throw error;
  }
  return {
    fake,
    bot,
    logs,
    drained: async () => {
      // discord.js handles dispatches in order: once a `/help` sent now is answered, all before it were taken.
      const sentinel = fake.slashCommand({ name: "help" });
      await waitFor(
        () => fake.requests.some((r) => r.route.startsWith(`/interactions/${sentinel.id}/`)),
        60_000,
      );
      await bot.idle();
    },
    close: async () => {
      await bot.stop();
      await fake.close();
    },
  };
}

export interface StackOptions {
  /** `slack.*` settings, for both Slack bots. */
  readonly slack?: SlackSettings;
  readonly discord?: DiscordSettings;
}

/**
 * What `guru start` runs, in one process: one engine and one conversation service (SQLite) shared
 * by Slack over Socket Mode, Slack over HTTP (each against its own fake Slack) and Discord. The
 * engine is watched, so the prompts it receives can be read back. The two fake Slacks number their
 * messages alike: the shared service would take a second message with the same channel and ts for
 * a redelivery, so tests give each Slack transport channels of its own.
 */
export interface GuruStack {
  readonly service: ConversationService;
  /** Every request the service sent to the engine, in order. */
  readonly generations: readonly GenerationRequest[];
  readonly databasePath: string;
  readonly slack: Readonly<Record<Transport, SlackRig>>;
  readonly discord: DiscordFront;
  /** Every log line of every bot so far. */
  logs(): string[];
  /** Returns once every event delivered so far has been answered on every platform. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function openGuruStack(engine: Engine, options: StackOptions = {}): Promise<GuruStack> {
  const rig = openServiceRig(engine, { checkpoints: "background" });
  const opened: { close(): Promise<void> }[] = [];
  try {
    const socket = await openSlackRig("socket", rig.service, options.slack);
    opened.push(socket);
    const http = await openSlackRig("http", rig.service, options.slack);
    opened.push(http);
    const discord = await openDiscordFront(rig.service, options.discord);
    const slack = { socket, http };
    return {
      service: rig.service,
      generations: rig.generations,
      databasePath: rig.databasePath,
      slack,
      discord,
      logs: () => [...socket.logs, ...http.logs, ...discord.logs],
      idle: async () => {
        await Promise.all([socket.bot.idle(), http.bot.idle(), discord.drained()]);
      },
      close: async () => {
        await Promise.all([socket.close(), http.close(), discord.close()]);
        rig.close();
      },
    };
  } catch (error) {
    await Promise.allSettled(opened.map((front) => front.close()));
    rig.close();
    throw error;
  }
}
