import type { AddressInfo } from "node:net";
import { App, type Logger as BoltLogger, HTTPReceiver, SocketModeReceiver } from "@slack/bolt";
import type { GuruConfig } from "../../config/configSchema.js";
import type { Secrets } from "../../config/secrets.js";
import { GuruError, isGuruError } from "../../errors.js";
import type { Logger } from "../../log/logger.js";
import type { PlatformCallObserver } from "../../service/platformCallObserver.js";
import { notReady, type Readiness, ready } from "../../service/readiness.js";
import type { ChatBot, ChatBotFactory, FrontConfigured } from "../chatBot.js";
import { EditBudget } from "../common/editBudget.js";
import { sweepInterrupted } from "../common/interruptedSweep.js";
import { listeningUrl } from "../common/listeningUrl.js";
import { platformUnreachable, unreachableReason } from "../common/platformUnreachable.js";
import { RecentKeys } from "../common/recentKeys.js";
import { RunningAnswers } from "../common/runningAnswers.js";
import { AccessGate } from "./accessGate.js";
import { registerAnswerControls } from "./answerControls.js";
import { registerAssistantSurfaces } from "./assistantSurfaces.js";
import { AssistantThreads } from "./assistantThreads.js";
import { boltLevel, boltLogger } from "./boltLogger.js";
import { CommandHandler } from "./commandHandler.js";
import { finishInterruptedReplies } from "./interruptedReplies.js";
import { MessageHandler } from "./messageHandler.js";
import { registerMessageShortcut } from "./messageShortcut.js";
import { chatUpdateBudget } from "./replyView.js";
import type { SlackConversations } from "./slackConversations.js";
import { slackFileAccess } from "./slackFiles.js";
import { listenForSlack, slackBodyLimitBytes } from "./slackHttpServer.js";
import { identifySlackBot, slackEndpoint } from "./slackIdentity.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackTransport } from "./slackTransport.js";
import { defaultRetryPolicy, type RetryPolicy, SlackWebApi } from "./slackWebApi.js";
import { watchSocketModeStart } from "./socketModeAttempts.js";
import { StreamingSupport } from "./streamingSupport.js";
import { ThreadTurns } from "./threadTurns.js";

export type SlackMode = "socket" | "http";

export interface SlackBotOptions {
  readonly service: SlackConversations;
  readonly config: GuruConfig;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly retry?: RetryPolicy;
  readonly platformCalls?: PlatformCallObserver;
}

/** Where Bolt's HTTP receiver takes events, commands and interactions. */
export const slackEventsPath = "/slack/events";

/**
 * Slack starts when the bot token and one of the app token (Socket Mode) or signing secret
 * (HTTP) are set.
 */
export const slackConfigured: FrontConfigured = ({ secrets }) =>
  secrets.slackBotToken !== undefined &&
  (secrets.slackAppToken !== undefined || secrets.slackSigningSecret !== undefined);

export const createSlackBot: ChatBotFactory = (context) => {
  if (!slackConfigured(context)) return null;
  return new SlackBot({ ...context, logger: context.logger.child("slack") });
};

/** Socket Mode unless configured otherwise or only the signing secret is there. */
export function slackMode(config: GuruConfig["slack"], secrets: Secrets): SlackMode {
  const socket = config.mode === "socket" || (config.mode === "auto" && secrets.slackAppToken !== undefined);
  if (socket && !secrets.slackAppToken) {
    throw new GuruError(
      "CONFIG_INVALID",
      'slack.mode is "socket" but SLACK_APP_TOKEN is not set (an xapp- token, see docs/slack.md).',
    );
  }
  if (!socket && !secrets.slackSigningSecret) {
    throw new GuruError(
      "CONFIG_INVALID",
      "Slack's HTTP mode needs SLACK_SIGNING_SECRET (from the app's Basic Information page).",
    );
  }
  return socket ? "socket" : "http";
}

/**
 * Guru in Slack through Bolt: Socket Mode (the default: a workstation has no public URL) or the
 * Events API over HTTP. Every event is acknowledged at once and answered in the background;
 * `stop` stops taking events and waits for the replies under way.
 */
export class SlackBot implements ChatBot {
  readonly name = "slack";
  private readonly inFlight = new Set<Promise<void>>();
  private stopReceiving: (() => Promise<void>) | null = null;
  private stopSweeping: (() => Promise<void>) | null = null;
  private transport: SlackTransport | null = null;
  private url: string | null = null;
  private connection: () => Readiness = () => notReady("Slack is not connected yet");

  constructor(private readonly options: SlackBotOptions) {}

  /** The URL Slack must call in HTTP mode, once started. */
  get endpoint(): string | null {
    return this.url;
  }

  async start(): Promise<void> {
    const { config, secrets, logger } = this.options;
    const botToken = secrets.slackBotToken;
    if (!botToken) throw new GuruError("CONFIG_INVALID", "SLACK_BOT_TOKEN is not set.");
    const mode = slackMode(config.slack, secrets);
    const bolt = boltLogger(logger.child("bolt"), config.logLevel);
    const edits = new EditBudget(chatUpdateBudget);
    const transport = new SlackTransport();
    this.transport = transport;
    const api = SlackWebApi.create({
      token: botToken,
      fetch: transport.fetch,
      apiUrl: config.slack.apiUrl,
      policy: this.options.retry ?? defaultRetryPolicy,
      logger,
      boltLogger: bolt,
      // Slack still said "too fast" (another process on the same app, say): every reply holds off.
      onRateLimited: (method, waitMs) => {
        this.options.platformCalls?.rateLimited("slack");
        if (method === "chat.update") edits.holdFor(waitMs);
      },
      onCallFailed: (_method, code) => this.options.platformCalls?.apiError("slack", code),
    });
    const self = await identifySlackBot(api, config.slack.apiUrl);
    const runtime: SlackRuntime = {
      service: this.options.service,
      api,
      edits,
      turns: new ThreadTurns(),
      gate: new AccessGate(config.slack),
      config: config.slack,
      self,
      seen: new RecentKeys(),
      logger,
      files: slackFileAccess(config.slack.apiUrl, botToken, config.attachments),
      streaming: new StreamingSupport(),
      assistantThreads: new AssistantThreads(api),
      running: new RunningAnswers(),
    };
    const receiver = createReceiver(mode, this.options, bolt, transport);
    const app = new App({
      token: botToken,
      // Known from auth.test above: Bolt need not call it again.
      botId: self.botId,
      botUserId: self.userId,
      receiver,
      logger: bolt,
      logLevel: boltLevel(config.logLevel),
      convoStore: false,
      clientOptions: {
        slackApiUrl: config.slack.apiUrl,
        retryConfig: { retries: 0 },
        fetch: transport.fetch,
      },
    });
    const messages = new MessageHandler(runtime);
    const commands = new CommandHandler(runtime);
    // Bolt has acknowledged an event before its listeners run; the answer is tracked, not awaited.
    // One listener for both: Bolt runs every listener's middleware for every event it receives.
    app.event(/^(app_mention|message)$/, async ({ body }) => this.track(messages.handle(body)));
    registerAssistantSurfaces(app, runtime, messages, (work) => this.track(work));
    app.command("/guru", async ({ body, ack, respond }) => this.track(commands.handle(body, ack, respond)));
    registerMessageShortcut(app, runtime, (work) => this.track(work));
    registerAnswerControls(app, runtime, (work) => this.track(work));
    app.error(async (error) => logger.error("Slack event handling failed", { error }));
    try {
      this.stopReceiving = await this.listen(receiver);
    } catch (cause) {
      if (isGuruError(cause)) throw cause;
      // A socket that cannot reach Slack is the network's fault; a port Guru cannot listen on is the config's.
      const unreachable = mode === "socket" ? unreachableReason(cause) : null;
      if (unreachable) throw platformUnreachable(slackEndpoint(config.slack.apiUrl), unreachable, cause);
      const failed = mode === "socket" ? "Slack did not connect" : `Guru could not listen for Slack events`;
      throw new GuruError("CONFIG_INVALID", `${failed}: ${describe(cause)}`, { cause });
    }
    logger.info(this.url ? `listening for Slack events at ${this.url}` : "connected to Slack (Socket Mode)", {
      bot: self.userId,
      team: self.teamId,
    });
    this.stopSweeping = sweepInterrupted(() => finishInterruptedReplies(runtime), logger);
  }

  readiness(): Readiness {
    return this.connection();
  }

  async stop(): Promise<void> {
    this.connection = () => notReady("Slack is stopping");
    const stopReceiving = this.stopReceiving;
    this.stopReceiving = null;
    const stopSweeping = this.stopSweeping;
    this.stopSweeping = null;
    await Promise.all([stopReceiving?.(), stopSweeping?.()]);
    await this.idle();
    await this.transport?.close();
    this.transport = null;
  }

  /** Resolves once every reply under way has been shown. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Starts receiving; resolves with how to stop. */
  private async listen(receiver: SocketModeReceiver | HTTPReceiver): Promise<() => Promise<void>> {
    if (receiver instanceof SocketModeReceiver) {
      dropUnreadableEnvelopes(receiver.client, this.options.logger);
      const watch = watchSocketModeStart(receiver.client, this.options.config.slack.apiUrl);
      const started = receiver.start();
      // Once the start has failed another way, how this ends no longer matters.
      started.catch(() => {});
      try {
        await Promise.race([started, watch.failed]);
      } catch (error) {
        // Each reconnect attempt left a start pending on `disconnected`, which would reject
        // unhandled when the client disconnects: they are dropped first.
        receiver.client.removeAllListeners("disconnected");
        await receiver.client.disconnect();
        throw error;
      } finally {
        watch.dispose();
      }
      // The client reconnects by itself after a drop; until then Slack's events cannot reach Guru.
      this.connection = () =>
        receiver.client.websocket?.isActive()
          ? ready
          : notReady("the Socket Mode connection to Slack is down (reconnecting)");
      // Resolves on the client's `disconnected`, once the socket is closed.
      return () => receiver.client.disconnect();
    }
    const { host, port } = this.options.config.slack.http;
    const server = await listenForSlack(receiver, {
      host,
      port,
      path: slackEventsPath,
      logger: this.options.logger,
    });
    this.url = listeningUrl(server.address() as AddressInfo, slackEventsPath);
    this.connection = () => (server.listening ? ready : notReady("the Slack events server is not listening"));
    return () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Events are acknowledged at once, so an open connection is idle or a client still sending
        // a body Guru refused: neither should hold up the stop.
        server.closeAllConnections();
      });
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.options.logger.error("a Slack reply failed", { error }))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

function createReceiver(
  mode: SlackMode,
  options: SlackBotOptions,
  logger: BoltLogger,
  transport: SlackTransport,
): SocketModeReceiver | HTTPReceiver {
  const { secrets, config } = options;
  if (mode === "socket") {
    return new SocketModeReceiver({
      appToken: secrets.slackAppToken ?? "",
      logger,
      // apps.connections.open goes to the configured API too, through the same transport.
      installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl, fetch: transport.fetch } },
    });
  }
  return new HTTPReceiver({
    signingSecret: secrets.slackSigningSecret ?? "",
    endpoints: slackEventsPath,
    logger,
    bodyLimit: slackBodyLimitBytes,
  });
}

/**
 * The Socket Mode client reads `payload.event.type` of every `events_api` envelope unguarded, in an
 * async handler nobody awaits: an envelope without an event would reject unhandled, which ends the
 * process. Such an envelope is logged and dropped instead (unacknowledged, as Slack expects of
 * anything an app cannot take).
 */
function dropUnreadableEnvelopes(client: SocketModeReceiver["client"], logger: Logger): void {
  const handlers = client.listeners("ws_message");
  client.removeAllListeners("ws_message");
  for (const handler of handlers) {
    client.on("ws_message", (...args: unknown[]) => {
      Promise.resolve(handler.apply(client, args)).catch((error: unknown) =>
        logger.warn("dropped a Socket Mode message Guru could not read", { error }),
      );
    });
  }
}

function describe(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === "string") return data.error;
  return error instanceof Error ? error.message : String(error);
}
