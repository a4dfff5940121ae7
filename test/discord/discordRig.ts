import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiscordBot } from "../../src/bots/discord/discordBot.js";
import { type DiscordTimings, defaultTimings } from "../../src/bots/discord/handlerContext.js";
import { configSchema, type GuruConfig } from "../../src/config/configSchema.js";
import { type Logger, silentLogger } from "../../src/log/logger.js";
import { Memory } from "../../src/memory/memory.js";
import { type AnswerEngine, ConversationService } from "../../src/service/conversationService.js";
import { historySummarizer, summarizerTurnRoom } from "../../src/service/historySummarizer.js";
import type { DiscordWorld } from "../support/fakeDiscord/discordWorld.js";
import { FakeDiscord, type FakeDiscordOptions } from "../support/fakeDiscord/fakeDiscord.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";

export interface RigOptions extends FakeDiscordOptions {
  /** Settings under `discord` in guru.json (given the fake's world, for its ids); `apiUrl` points at the fake. */
  readonly discord?: Record<string, unknown> | ((world: DiscordWorld) => Record<string, unknown>);
  readonly maxTokens?: number;
  readonly timings?: Partial<DiscordTimings>;
  readonly logger?: Logger;
  /** DISCORD_TOKEN, when it should not be the fake's own. */
  readonly token?: string;
}

/** Timings short enough for tests: edits every 200 ms (the least the config allows), typing renewed often. */
const testTimings: DiscordTimings = { ...defaultTimings, typingRenewMs: 150 };

/**
 * Guru's Discord bot, on a real conversation service (SQLite memory, the given engine), talking
 * through real discord.js to a fake Discord on 127.0.0.1.
 */
export class DiscordRig {
  private constructor(
    readonly fake: FakeDiscord,
    readonly bot: DiscordBot,
    readonly service: ConversationService,
    private readonly memory: Memory,
    private readonly settings: {
      engine: AnswerEngine;
      dbPath: string;
      config: GuruConfig;
      options: RigOptions;
    },
  ) {}

  static async open(engine: AnswerEngine, options: RigOptions = {}): Promise<DiscordRig> {
    const fake = await FakeDiscord.start(options);
    const discord = typeof options.discord === "function" ? options.discord(fake.world) : options.discord;
    const config = configSchema.parse({
      discord: { registerCommandsAtStart: false, editIntervalMs: 200, ...discord, apiUrl: fake.apiUrl },
    });
    const dbPath = join(mkdtempSync(join(tmpdir(), "guru-discord-")), "guru.db");
    try {
      return await DiscordRig.boot(fake, { engine, dbPath, config, options });
    } catch (error) {
      await fake.close();
      throw error;
    }
  }

  private static async boot(fake: FakeDiscord, settings: DiscordRig["settings"]): Promise<DiscordRig> {
    const { engine, dbPath, config, options } = settings;
    const memory = new Memory({
      path: dbPath,
      countTokens: (text) => engine.countTokens(text),
      summarize: historySummarizer(engine),
      foldChunkTokens: summarizerTurnRoom(engine),
    });
    const service = new ConversationService({
      engine,
      memory,
      assistant: { ...config.assistant, analysisMaxTokens: 3000 },
      memoryConfig: config.memory,
      contextSize: engine.stats().contextSize,
      maxTokens: options.maxTokens ?? 24,
      logger: silentLogger,
    });
    const token = options.token ?? fake.world.token;
    const bot = new DiscordBot(
      { service, config, secrets: { discordToken: token }, logger: options.logger ?? silentLogger },
      token,
      { ...testTimings, ...options.timings },
    );
    try {
      await bot.start();
    } catch (error) {
      memory.close();
      throw error;
    }
    return new DiscordRig(fake, bot, service, memory, settings);
  }

  /** The SQLite file the service keeps its memory in. */
  get databasePath(): string {
    return this.settings.dbPath;
  }

  /** Guru stopped and started again on the same database and the same Discord: only SQLite remembers. */
  async restart(): Promise<DiscordRig> {
    await this.bot.stop();
    this.memory.close();
    return DiscordRig.boot(this.fake, this.settings);
  }

  /**
   * Another Guru process on the same Discord and the same database (its own memory and lease),
   * with `memory.*` settings of its own. Stop it with `stopProcess`; `close` closes the fake.
   */
  async alongside(engine: AnswerEngine, memory: Record<string, unknown> = {}): Promise<DiscordRig> {
    const config = { ...this.settings.config, memory: { ...this.settings.config.memory, ...memory } };
    return DiscordRig.boot(this.fake, { ...this.settings, engine, config });
  }

  /** This process's database connection closes, its lease with it: what a killed process leaves. */
  closeMemory(): void {
    this.memory.close();
  }

  async stopProcess(): Promise<void> {
    await this.bot.stop();
    this.memory.close();
  }

  /** Waits for the fake to receive a request that matches, then for the bot to finish what it took on. */
  async settle(until: (requests: readonly RecordedRequest[]) => boolean, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => until(this.fake.requests), timeoutMs);
    await this.bot.idle();
  }

  /** The requests that came after `mark` (a count taken earlier with `requests.length`). */
  since(mark: number): RecordedRequest[] {
    return this.fake.requests.slice(mark);
  }

  /**
   * Returns once everything dispatched so far has been handled: discord.js handles dispatches in
   * order, so when a `/help` sent now has its reply, the events before it have been taken.
   */
  async drained(): Promise<void> {
    const sentinel = this.fake.slashCommand({ name: "help" });
    await this.settle((requests) =>
      requests.some((r) => r.route.startsWith(`/interactions/${sentinel.id}/`)),
    );
  }

  /** What Guru sent to channels (not to interactions) after `mark`. */
  channelCallsSince(mark: number): RecordedRequest[] {
    return this.since(mark).filter((r) => r.route.startsWith("/channels/"));
  }

  async close(): Promise<void> {
    await this.bot.stop();
    this.memory.close();
    await this.fake.close();
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
