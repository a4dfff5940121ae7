import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { analyzeShortcutId } from "../../src/bots/slack/messageShortcut.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { messageShortcut } from "../support/fakeSlack/events.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";
import { openSlackRig, type SlackRig, type SlackSettings, transports } from "./slackRig.js";

let engine: EmbeddedEngine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
});

afterAll(async () => {
  await engine?.close();
});

function thread(channel: string, ts: string): ConversationAddress {
  return { platform: "slack", space: workspace.teamId, channel, thread: ts };
}

describe.each(transports)("Slack over %s: Analyze with Guru (message shortcut)", (transport) => {
  let service: ServiceRig;
  let rig: SlackRig;

  async function open(settings: SlackSettings = {}): Promise<void> {
    service = openServiceRig(engine, { analysisMaxTokens: 2048 });
    rig = await openSlackRig(transport, service.service, settings);
  }

  /** Alice chooses the shortcut on `message`, and waits until every reply it caused has shown. */
  async function analyze(message: SlackMessage, user: string = people.alice) {
    const payload = messageShortcut({
      user,
      message,
      callbackId: analyzeShortcutId,
      responseUrl: rig.slack.responseUrl,
    });
    await rig.interact(payload);
    await rig.bot.idle();
    return payload;
  }

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("posts an analysis of a message in a thread, in that thread, with the thread read as context", async () => {
    await open();
    const root = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "Deploy plan for Friday",
    });
    const target = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      threadTs: root.ts,
      text: "We should skip the canary, it always passes",
    });

    await analyze(target);

    const replies = rig.slack.web.botRepliesIn(places.general, root.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).not.toContain("analyzing");
    const generation = service.generations.at(-1);
    expect(generation?.jsonSchema).toBeDefined();
    const prompt = generation?.turns.at(-1)?.text ?? "";
    expect(prompt).toContain("Deploy plan for Friday");
    expect(prompt).toContain("We should skip the canary, it always passes");
    const memory = service.service.remembered(thread(places.general, root.ts));
    expect(memory?.messages.filter((m) => m.role === "assistant")).toHaveLength(1);
    expect(memory?.analyses).toHaveLength(1);
  });

  it("answers a top-level message in a thread under it", async () => {
    await open();
    const target = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: "Is Rust worth it for our CLI?",
    });

    await analyze(target);

    expect(rig.slack.web.botRepliesIn(places.general, target.ts)).toHaveLength(1);
    expect(rig.slack.web.responses).toEqual([]);
  });

  it("analyzes each invocation once, however often it is delivered", async () => {
    await open();
    const target = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: "Tabs or spaces?",
    });
    const payload = await analyze(target);

    await rig.interact(payload);
    await rig.bot.idle();

    expect(rig.slack.web.botRepliesIn(places.general, target.ts)).toHaveLength(1);
    expect(service.generations).toHaveLength(1);
  });

  it("refuses, privately, someone the allowlist leaves out; nothing is posted or kept", async () => {
    await open({ allow: { users: [people.alice] } });
    const target = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "My secret plan",
    });

    await analyze(target, people.bob);

    expect(rig.slack.web.botRepliesIn(places.general, target.ts)).toEqual([]);
    expect(rig.slack.web.responses).toEqual([
      expect.objectContaining({
        response_type: "ephemeral",
        text: expect.stringContaining("not set up to answer you"),
      }),
    ]);
    expect(service.generations).toEqual([]);
    expect(service.service.remembered(thread(places.general, target.ts))).toBeNull();
  });

  it("refuses in a channel not on the list", async () => {
    await open({ allow: { channels: [places.general] } });
    const target = rig.slack.web.userPosts({ user: people.bob, channel: places.random, text: "Anything" });

    await analyze(target);

    expect(rig.slack.web.botRepliesIn(places.random, target.ts)).toEqual([]);
    expect(rig.slack.web.responses).toHaveLength(1);
  });

  it("counts against the asker's rate limit like a mention", async () => {
    await open({ rateLimit: { requests: 1, windowSeconds: 3600 } });
    const first = rig.slack.web.userPosts({ user: people.bob, channel: places.general, text: "First" });
    const second = rig.slack.web.userPosts({ user: people.bob, channel: places.general, text: "Second" });

    await analyze(first);
    await analyze(second);

    expect(rig.slack.web.botRepliesIn(places.general, first.ts)).toHaveLength(1);
    expect(rig.slack.web.botRepliesIn(places.general, second.ts)).toEqual([]);
    expect(rig.slack.web.responses).toEqual([
      expect.objectContaining({ text: expect.stringContaining("please wait") }),
    ]);
  });

  it("tells the person privately when it cannot post in the channel", async () => {
    await open();
    const target = rig.slack.web.userPosts({ user: people.bob, channel: places.random, text: "Ship it?" });
    rig.slack.web.removeBotFrom(places.random);

    await analyze(target);

    expect(rig.slack.web.botRepliesIn(places.random, target.ts)).toEqual([]);
    expect(rig.slack.web.responses).toEqual([
      expect.objectContaining({ text: expect.stringContaining("Invite me with `/invite @Guru`") }),
    ]);
  });
});
