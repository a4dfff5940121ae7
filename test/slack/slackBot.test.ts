import { afterEach, describe, expect, it, vi } from "vitest";
import { createSlackBot, SlackBot, slackMode } from "../../src/bots/slack/slackBot.js";
import { configSchema } from "../../src/config/configSchema.js";
import type { Secrets } from "../../src/config/secrets.js";
import { silentLogger } from "../../src/log/logger.js";
import type { ConversationService } from "../../src/service/conversationService.js";
import { appMention } from "../support/fakeSlack/events.js";
import { type FakeSlack, startFakeSlack } from "../support/fakeSlack/fakeSlack.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { ScriptedConversations, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig, secrets } from "./slackRig.js";

const slackDefaults = configSchema.parse({}).slack;

describe("createSlackBot", () => {
  const context = (given: Secrets) => ({
    // The factory only keeps the service for later; nothing is called on it here.
    service: new ScriptedConversations([]) as unknown as ConversationService,
    config: configSchema.parse({}),
    secrets: given,
    logger: silentLogger,
  });

  it("makes no bot without the bot token and one of the app token or signing secret", () => {
    expect(createSlackBot(context({}))).toBeNull();
    expect(createSlackBot(context({ slackBotToken: workspace.botToken }))).toBeNull();
    expect(
      createSlackBot(context({ slackAppToken: workspace.appToken, slackSigningSecret: "s" })),
    ).toBeNull();
  });

  it("makes the Slack bot with the bot token and either the app token or the signing secret", () => {
    expect(
      createSlackBot(context({ slackBotToken: workspace.botToken, slackAppToken: workspace.appToken }))?.name,
    ).toBe("slack");
    expect(
      createSlackBot(context({ slackBotToken: workspace.botToken, slackSigningSecret: "s" }))?.name,
    ).toBe("slack");
  });
});

describe("slackMode", () => {
  it("prefers Socket Mode when the app token is there", () => {
    expect(slackMode(slackDefaults, secrets)).toBe("socket");
    expect(slackMode(slackDefaults, { slackBotToken: "b", slackSigningSecret: "s" })).toBe("http");
    expect(slackMode({ ...slackDefaults, mode: "http" }, secrets)).toBe("http");
  });

  it("refuses a mode whose credential is missing", () => {
    expect(() =>
      slackMode({ ...slackDefaults, mode: "socket" }, { slackBotToken: "b", slackSigningSecret: "s" }),
    ).toThrow(/SLACK_APP_TOKEN is not set/);
    expect(() =>
      slackMode({ ...slackDefaults, mode: "http" }, { slackBotToken: "b", slackAppToken: "a" }),
    ).toThrow(/needs SLACK_SIGNING_SECRET/);
  });
});

describe("SlackBot.start", () => {
  let slack: FakeSlack;

  afterEach(async () => {
    await slack.close();
  });

  async function start(given: Secrets): Promise<unknown> {
    slack = await startFakeSlack();
    const config = configSchema.parse({ slack: { apiUrl: slack.apiUrl } });
    const bot = new SlackBot({
      service: new ScriptedConversations([]),
      config,
      secrets: given,
      logger: silentLogger,
    });
    return bot.start().then(
      () => bot.stop(),
      (error: unknown) => error,
    );
  }

  it("rejects with CONFIG_INVALID when Slack refuses the bot token", async () => {
    const error = await start({ ...secrets, slackBotToken: "xoxb-wrong" });
    expect(error).toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("SLACK_BOT_TOKEN (invalid_auth)"),
    });
  });

  it("rejects with CONFIG_INVALID when Slack refuses the app token", async () => {
    const error = await start({ ...secrets, slackAppToken: "xapp-1-wrong" });
    expect(error).toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("invalid_auth") });
  });
});

describe("SlackBot.stop", () => {
  let rig: SlackRig;

  afterEach(async () => {
    await rig.slack.close();
  });

  it("stops taking events and waits for the replies under way", async () => {
    rig = await openSlackRig(
      "socket",
      new ScriptedConversations([
        { type: "started" },
        { type: "pause", ms: 400 },
        ...streamed("Done.", 1, 0),
      ]),
    );
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> go`,
    });
    await rig.event(appMention(question));
    await rig.bot.stop();

    expect(rig.slack.web.botRepliesIn(places.general, question.ts).map((m) => m.text)).toEqual(["Done."]);
    await expect(rig.event(appMention(question))).rejects.toThrow(/no Socket Mode connection/);
  });
});

describe("Slack's Web API calls", () => {
  let rig: SlackRig;

  afterEach(async () => {
    vi.restoreAllMocks();
    await rig.slack.close();
  });

  it("go through Guru's transport, Socket Mode's connection requests included, not the global fetch", async () => {
    const globalFetch = vi.spyOn(globalThis, "fetch");
    rig = await openSlackRig(
      "socket",
      new ScriptedConversations([{ type: "started" }, ...streamed("Done.", 1, 0)]),
    );
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> go`,
    });
    await rig.settle(appMention(question));

    expect(rig.slack.web.botRepliesIn(places.general, question.ts).map((m) => m.text)).toEqual(["Done."]);
    const viaGlobalFetch = globalFetch.mock.calls.map(([input]) => String(input));
    expect(viaGlobalFetch).toEqual([]);
  });
});
