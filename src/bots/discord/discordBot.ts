import { type Client, Events, REST, RESTEvents, Status } from "discord.js";
import { GuruError, isGuruError } from "../../errors.js";
import type { PlatformCallObserver } from "../../service/platformCallObserver.js";
import { notReady, type Readiness, ready } from "../../service/readiness.js";
import type { BotContext, ChatBot, ChatBotFactory, FrontConfigured } from "../chatBot.js";
import { sweepInterrupted } from "../common/interruptedSweep.js";
import { platformUnreachable, unreachableReason } from "../common/platformUnreachable.js";
import { RecentKeys } from "../common/recentKeys.js";
import { RunningAnswers } from "../common/runningAnswers.js";
import { UserRateLimiter } from "../common/userRateLimiter.js";
import { AccessPolicy } from "./accessPolicy.js";
import { handleAnswerControl } from "./answerControls.js";
import { checkClientId, describeRegistration, inviteUrl, putCommands } from "./commandRegistration.js";
import { ConversationReader, type ConversationReadSettings, fileOriginsFor } from "./conversationReader.js";
import { type DiscordApplication, discordEndpoint, fetchApplication } from "./discordApplication.js";
import { createDiscordClient } from "./discordClient.js";
import { watchGatewayStart } from "./gatewayAttempts.js";
import { type DiscordTimings, defaultTimings, type HandlerContext } from "./handlerContext.js";
import { handleInteraction } from "./interactionHandler.js";
import { finishInterruptedReplies } from "./interruptedReplies.js";
import { registerMessageCommand } from "./messageCommand.js";
import { handleMessage } from "./messageHandler.js";

/** Discord starts in `guru start` whenever DISCORD_TOKEN is set. */
export const discordConfigured: FrontConfigured = ({ secrets }) => secrets.discordToken !== undefined;

export const createDiscordBot: ChatBotFactory = (context) => {
  const token = context.secrets.discordToken;
  return token ? new DiscordBot(context, token) : null;
};

/** Guru on Discord: slash commands, mentions, threads and DMs, answered through the conversation service. */
export class DiscordBot implements ChatBot {
  readonly name = "discord";
  private client: Client | null = null;
  private accepting = false;
  private readonly inFlight = new Set<Promise<void>>();
  private stopSweeping: (() => Promise<void>) | null = null;
  private readonly base: Omit<HandlerContext, "reader">;
  private readonly reading: Omit<ConversationReadSettings, "messageContent">;
  private readonly platformCalls: PlatformCallObserver | undefined;

  constructor(
    context: BotContext,
    private readonly token: string,
    timings: DiscordTimings = defaultTimings,
  ) {
    const config = context.config.discord;
    this.platformCalls = context.platformCalls;
    this.reading = {
      replyChainLength: config.replyChainLength,
      threadMessages: config.threadMessages,
      attachments: { ...context.config.attachments, allowedOrigins: fileOriginsFor(config.apiUrl) },
    };
    this.base = {
      service: context.service,
      config,
      logger: context.logger.child("discord"),
      access: new AccessPolicy(config),
      rateLimiter: new UserRateLimiter(config.rateLimit),
      recent: new RecentKeys(),
      running: new RunningAnswers(),
      timings,
    };
  }

  async start(): Promise<void> {
    const { config, logger } = this.base;
    const application = await fetchApplication(
      new REST({ api: config.apiUrl }).setToken(this.token),
      config.apiUrl,
    );
    checkClientId(config.clientId, application);
    await this.registerCommands(application);
    // What Discord lets Guru read is known only now: the intent is the application's setting.
    const handlers: HandlerContext = {
      ...this.base,
      reader: new ConversationReader({ ...this.reading, messageContent: application.messageContent }, logger),
    };
    const client = createDiscordClient(config.apiUrl, application.messageContent);
    this.client = client;
    client.on(Events.InteractionCreate, (interaction) =>
      this.track(() =>
        interaction.isButton()
          ? handleAnswerControl(handlers, interaction)
          : handleInteraction(handlers, interaction),
      ),
    );
    registerMessageCommand(client, handlers, (handle) => this.track(handle));
    client.on(Events.MessageCreate, (message) => {
      const me = client.user;
      if (me) this.track(() => handleMessage(handlers, message, me.id));
    });
    this.watchRest(client);
    client.on(Events.Warn, (message) => logger.warn(message));
    client.on(Events.Error, (error) => logger.error("discord.js error", { error }));
    client.on(Events.ShardDisconnect, (event) =>
      logger.error("the Discord gateway closed the connection for good", { code: event.code }),
    );
    // Ready once the guilds have arrived; a failed login rejects instead, leaving this unresolved.
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    const gateway = watchGatewayStart(client, config.apiUrl, this.token);
    this.accepting = true;
    const login = client.login(this.token).then(() => ready);
    // Once the start has failed another way, how the login ends no longer matters.
    login.catch(() => {});
    try {
      await Promise.race([login, gateway.failed]);
    } catch (cause) {
      this.accepting = false;
      await client.destroy();
      if (isGuruError(cause)) throw cause;
      const unreachable = unreachableReason(cause);
      if (unreachable) throw platformUnreachable(discordEndpoint(config.apiUrl), unreachable, cause);
      throw new GuruError("CONFIG_INVALID", "Could not connect to the Discord gateway.", { cause });
    } finally {
      gateway.dispose();
    }
    logger.info("connected to Discord", {
      user: client.user?.tag,
      guilds: client.guilds.cache.size,
      messageContentIntent: application.messageContent,
    });
    if (!application.messageContent) {
      logger.info(
        "the Message Content intent is off: mentions, DMs and slash commands work, but Guru cannot see what others " +
          "write in reply chains and threads (nor their files), and follow-ups in threads need a mention",
      );
    }
    this.stopSweeping = sweepInterrupted(
      () =>
        finishInterruptedReplies(this.base.service, client.rest, {
          editIntervalMs: config.editIntervalMs,
          logger,
        }),
      logger,
    );
  }

  /** Ready while every gateway shard is; discord.js reconnects a dropped one by itself. */
  readiness(): Readiness {
    const shards = [...(this.client?.ws.shards.values() ?? [])];
    if (!this.accepting || shards.length === 0) return notReady("Discord is not connected");
    const down = shards.find((shard) => shard.status !== Status.Ready);
    return down
      ? notReady(`the Discord gateway connection is ${Status[down.status] ?? down.status} (not ready)`)
      : ready;
  }

  async stop(): Promise<void> {
    this.accepting = false;
    const stopSweeping = this.stopSweeping;
    this.stopSweeping = null;
    await Promise.all([this.idle(), stopSweeping?.()]);
    await this.client?.destroy();
    this.client = null;
  }

  /** Resolves once every event taken so far has been answered. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Error answers and rate limits of the REST API, for the metrics. */
  private watchRest(client: Client): void {
    const observer = this.platformCalls;
    if (!observer) return;
    client.rest.on(RESTEvents.RateLimited, () => observer.rateLimited("discord"));
    client.rest.on(RESTEvents.Response, (_request, response) => {
      if (response.status >= 400 && response.status !== 429)
        observer.apiError("discord", `http_${response.status}`);
    });
  }

  private track(handle: () => Promise<void>): void {
    if (!this.accepting) return;
    const tracked = handle()
      .catch((error: unknown) => this.base.logger.error("could not handle a Discord event", { error }))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async registerCommands(application: DiscordApplication): Promise<void> {
    const { config, logger } = this.base;
    if (!config.registerCommandsAtStart) {
      logger.info(`invite Guru to a server: ${inviteUrl(application.id)}`);
      return;
    }
    try {
      const rest = new REST({ api: config.apiUrl }).setToken(this.token);
      logger.info(describeRegistration(await putCommands(rest, application.id, config.guildIds)));
    } catch (error) {
      // Guru still answers mentions and DMs; `guru discord register` can be run again later.
      logger.warn("could not register slash commands", { error });
    }
  }
}
