import { stringify } from "node:querystring";
import { SlackBot } from "../../src/bots/slack/slackBot.js";
import type { SlackConversations } from "../../src/bots/slack/slackConversations.js";
import { configSchema } from "../../src/config/configSchema.js";
import type { Secrets } from "../../src/config/secrets.js";
import { secretValues } from "../../src/config/secrets.js";
import { createLogger } from "../../src/log/logger.js";
import { createRedactor } from "../../src/log/redactor.js";
import { type EventCallback, slashCommand } from "../support/fakeSlack/events.js";
import { type FakeSlack, startFakeSlack } from "../support/fakeSlack/fakeSlack.js";
import { buttonPress } from "../support/fakeSlack/interactions.js";
import { postSigned, type SignedPost } from "../support/fakeSlack/signer.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { workspace } from "../support/fakeSlack/workspace.js";

export type Transport = "socket" | "http";

/** Every behaviour is specified once and checked over both ways Slack reaches Guru. */
export const transports: readonly Transport[] = ["socket", "http"];

export const secrets: Secrets = {
  slackBotToken: workspace.botToken,
  slackAppToken: workspace.appToken,
  slackSigningSecret: workspace.signingSecret,
};

/** `slack.*` settings a test changes. */
export type SlackSettings = Record<string, unknown>;

export interface Delivery {
  /** How long the app took to acknowledge (Slack allows 3 s). */
  readonly ackMs: number;
}

export interface CommandReply extends Delivery {
  /** The ephemeral text that came back with the acknowledgement, if any. */
  readonly text: string | null;
  /** Its Block Kit blocks, if any. */
  readonly blocks: unknown[] | null;
}

/** Guru's Slack bot, started against a fresh fake Slack, and ways to talk to it as Slack does. */
export interface SlackRig {
  readonly slack: FakeSlack;
  readonly bot: SlackBot;
  /** Every log line the bot wrote (after redaction). */
  readonly logs: string[];
  /** Delivers an Events API body as the transport does; `retry` marks a redelivery. */
  event(body: EventCallback, options?: { retry?: number }): Promise<Delivery>;
  command(options: { user: string; channel: string; text: string }): Promise<CommandReply>;
  /** Delivers an interactive payload (a shortcut or a button press) as the transport does. */
  interact(payload: unknown): Promise<Delivery>;
  /**
   * `user` presses the button `actionId` on `message`: an `interactive` envelope, or a signed,
   * form-encoded `payload=` (HTTP; `signing` forges or ages the request). Resolves with Slack's view
   * of the delivery: the HTTP status (200 over Socket Mode once acknowledged).
   */
  press(options: PressOptions): Promise<Delivery & { readonly status: number }>;
  /** Delivers and waits until every reply it caused has been shown. */
  settle(body: EventCallback, options?: { retry?: number }): Promise<Delivery>;
  /** Stops the bot and starts a new one on `service` (a restarted Guru), against the same Slack. */
  restart(service: SlackConversations): Promise<void>;
  close(): Promise<void>;
}

export interface PressOptions {
  readonly user: string;
  readonly message: SlackMessage;
  readonly actionId: string;
  /** A redelivery: the first press's trigger id. */
  readonly triggerId?: string;
  readonly signing?: Pick<SignedPost, "timestampSeconds" | "signature">;
}

export async function openSlackRig(
  transport: Transport,
  service: SlackConversations,
  settings: SlackSettings = {},
  /** Other top-level settings (e.g. `attachments`). */
  overrides: Record<string, unknown> = {},
): Promise<SlackRig> {
  const slack = await startFakeSlack();
  const logs: string[] = [];
  const logger = createLogger({
    level: "debug",
    redact: createRedactor(secretValues(secrets)),
    write: (line) => logs.push(line),
  });
  const config = configSchema.parse({
    ...overrides,
    logLevel: "debug",
    slack: {
      mode: transport,
      apiUrl: slack.apiUrl,
      http: { port: 0 },
      editIntervalMs: 200,
      ...settings,
    },
  });
  const startBot = async (on: SlackConversations) => {
    const started = new SlackBot({
      service: on,
      config,
      secrets,
      logger,
      retry: { attempts: 3, backoffMs: 20, timeoutMs: 5000 },
    });
    await started.start();
    return started;
  };
  let bot = await startBot(service);

  const endpoint = () => {
    if (!bot.endpoint) throw new Error("the bot is not listening over HTTP");
    return bot.endpoint;
  };
  const event = async (body: EventCallback, options: { retry?: number } = {}): Promise<Delivery> => {
    if (transport === "socket") {
      const ack = await slack.socket.send("events_api", body, {
        ...(options.retry === undefined ? {} : { retryAttempt: options.retry, retryReason: "timeout" }),
      });
      return { ackMs: ack.ms };
    }
    const response = await postSigned(endpoint(), {
      body: JSON.stringify(body),
      contentType: "application/json",
      secret: workspace.signingSecret,
      ...(options.retry === undefined ? {} : { retryNum: options.retry }),
    });
    if (response.status !== 200) throw new Error(`the app answered an event with HTTP ${response.status}`);
    return { ackMs: response.ms };
  };
  /** An interactive payload as the transport delivers it, with the HTTP status (200 over Socket Mode). */
  const deliverInteractive = async (
    payload: unknown,
    signing: PressOptions["signing"] = {},
  ): Promise<Delivery & { readonly status: number }> => {
    if (transport === "socket")
      return { ackMs: (await slack.socket.send("interactive", payload)).ms, status: 200 };
    const response = await postSigned(endpoint(), {
      body: stringify({ payload: JSON.stringify(payload) }),
      contentType: "application/x-www-form-urlencoded",
      secret: workspace.signingSecret,
      ...signing,
    });
    return { ackMs: response.ms, status: response.status };
  };

  return {
    slack,
    get bot() {
      return bot;
    },
    logs,
    event,
    settle: async (body, options) => {
      const delivery = await event(body, options);
      await bot.idle();
      return delivery;
    },
    command: async ({ user, channel, text }) => {
      const payload = slashCommand({ user, channel, text, responseUrl: slack.responseUrl });
      if (transport === "socket") {
        const ack = await slack.socket.send("slash_commands", payload);
        return { ackMs: ack.ms, text: ephemeralText(ack.payload), blocks: ephemeralBlocks(ack.payload) };
      }
      const response = await postSigned(endpoint(), {
        body: stringify(payload),
        contentType: "application/x-www-form-urlencoded",
        secret: workspace.signingSecret,
      });
      if (response.status !== 200) throw new Error(`the app answered a command with HTTP ${response.status}`);
      const reply: unknown = response.body ? JSON.parse(response.body) : undefined;
      return { ackMs: response.ms, text: ephemeralText(reply), blocks: ephemeralBlocks(reply) };
    },
    interact: async (payload) => {
      const delivery = await deliverInteractive(payload);
      if (delivery.status !== 200) {
        throw new Error(`the app answered an interaction with HTTP ${delivery.status}`);
      }
      return { ackMs: delivery.ackMs };
    },
    press: ({ signing, ...options }) =>
      deliverInteractive(buttonPress({ ...options, responseUrl: slack.responseUrl }), signing),
    restart: async (next) => {
      await bot.stop();
      bot = await startBot(next);
    },
    close: async () => {
      // Socket Mode: stop() waits for the client's `disconnected` before the fake goes away.
      await bot.stop();
      await slack.close();
    },
  };
}

function ephemeralText(payload: unknown): string | null {
  const text = (payload as { text?: unknown } | undefined)?.text;
  return typeof text === "string" ? text : null;
}

function ephemeralBlocks(payload: unknown): unknown[] | null {
  const blocks = (payload as { blocks?: unknown } | undefined)?.blocks;
  return Array.isArray(blocks) ? blocks : null;
}
