import { GatewayIntentBits, MessageType } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyAnswerText, thinkingText } from "../../src/bots/discord/discordText.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentMessage } from "../support/fakeDiscord/fakeDiscord.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";
import { DiscordRig } from "./discordRig.js";
import { contentOf } from "./interactionRequests.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

function repliesTo(sent: SentMessage) {
  return (requests: readonly RecordedRequest[]) =>
    requests.some(
      (r) =>
        r.method === "POST" &&
        (r.body as { message_reference?: { message_id: string } } | null)?.message_reference?.message_id ===
          sent.message.id,
    );
}

function postedTo(channelId: string) {
  return (requests: readonly RecordedRequest[]) =>
    requests.some((r) => r.method === "POST" && r.route === `/channels/${channelId}/messages`);
}

describe("mentions and DMs", () => {
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("replies to a mention in a channel: a placeholder that it is thinking, edited into the answer", async () => {
    const { world } = rig.fake;
    const mark = rig.fake.requests.length;
    const sent = rig.fake.userMessage({ content: "What is a slot queue?" });
    await rig.settle(repliesTo(sent));
    const calls = rig.channelCallsSince(mark);
    const general = `/channels/${world.channels.general.id}`;
    const placeholder = calls.find((r) => r.method === "POST" && r.route === `${general}/messages`);
    expect(placeholder?.body).toMatchObject({
      content: thinkingText,
      message_reference: { message_id: sent.message.id },
      allowed_mentions: { parse: [], replied_user: true },
    });
    expect(calls.some((r) => r.route === `${general}/typing`)).toBe(true);
    const address: ConversationAddress = {
      platform: "discord",
      space: world.guildId,
      channel: world.channels.general.id,
      thread: null,
    };
    const [question, answer] = rig.service.remembered(address)?.messages ?? [];
    expect(question?.text).toBe("What is a slot queue?");
    const reply = rig.fake
      .messagesIn(world.channels.general.id)
      .find((m) => m.message.type === MessageType.Reply);
    expect(reply?.message.content).toBe(answer?.text || emptyAnswerText);
    expect(contentOf(calls.filter((r) => r.method === "PATCH").at(-1))).toBe(reply?.message.content);
  });

  it("answers a mention of the role Discord made for it, with the mention taken out of the question", async () => {
    const { world } = rig.fake;
    const sent = rig.fake.userMessage({
      content: "Role-mentioned question",
      mention: "role",
      channelId: world.channels.random.id,
    });
    await rig.settle(repliesTo(sent));
    const address: ConversationAddress = {
      platform: "discord",
      space: world.guildId,
      channel: world.channels.random.id,
      thread: null,
    };
    expect(rig.service.remembered(address)?.messages[0]?.text).toBe("Role-mentioned question");
  });

  it("answers a DM without a mention", async () => {
    const { world } = rig.fake;
    const sent = rig.fake.userMessage({ content: "Private question", dm: true, author: world.users.bob });
    const dm = world.dmWith(world.users.bob).id;
    await rig.settle(repliesTo(sent));
    const reply = rig.fake.messagesIn(dm).find((m) => m.message.author.id === world.bot.id);
    expect(reply?.message.message_reference?.message_id).toBe(sent.message.id);
    const address: ConversationAddress = { platform: "discord", space: null, channel: dm, thread: null };
    expect(rig.service.remembered(address)?.messages[0]?.author).toBe(world.users.bob.id);
  });

  it("stays quiet for channel messages that do not mention it, its own messages and other bots", async () => {
    const { world } = rig.fake;
    const mark = rig.fake.requests.length;
    rig.fake.userMessage({ content: "just chatting", mention: "none" });
    rig.fake.userMessage({ content: "beep", author: world.users.robot });
    await rig.drained();
    expect(rig.channelCallsSince(mark)).toEqual([]);
  });
});

describe("threads", () => {
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine, { discord: { openThreads: true } });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("opens a thread on a mention and answers follow-ups there without a mention", async () => {
    const { world } = rig.fake;
    const sent = rig.fake.userMessage({ content: "Let's plan the release" });
    const threadId = sent.message.id;
    await rig.settle(postedTo(threadId));
    const opened = rig.fake.requests.find(
      (r) => r.route === `/channels/${world.channels.general.id}/messages/${threadId}/threads`,
    );
    expect(opened?.body).toMatchObject({ name: "Let's plan the release", auto_archive_duration: 1440 });
    const first = rig.fake.messagesIn(threadId);
    expect(first).toHaveLength(1);
    expect(first[0]?.message.message_reference).toBeUndefined();

    rig.fake.userMessage({ content: "What comes first?", channelId: threadId, mention: "none" });
    await rig.settle(
      () => rig.fake.messagesIn(threadId).filter((m) => m.message.author.id === world.bot.id).length === 2,
    );
    const thread: ConversationAddress = {
      platform: "discord",
      space: world.guildId,
      channel: world.channels.general.id,
      thread: threadId,
    };
    const remembered = rig.service.remembered(thread)?.messages ?? [];
    expect(remembered.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(remembered[2]?.text).toBe("What comes first?");
  });
});

describe("without the Message Content intent", () => {
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine, { messageContentIntent: false, discord: { openThreads: true } });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("does not ask the gateway for it, and still answers mentions and DMs", async () => {
    const { world } = rig.fake;
    expect((rig.fake.gateway.identified[0]?.intents ?? 0) & GatewayIntentBits.MessageContent).toBe(0);
    const mention = rig.fake.userMessage({ content: "Still there?" });
    await rig.settle(postedTo(mention.message.id));
    const dm = rig.fake.userMessage({ content: "And here?", dm: true });
    await rig.settle(repliesTo(dm));
    expect(rig.fake.messagesIn(world.dmWith(world.users.alice).id)).toHaveLength(2);
  });

  it("leaves thread follow-ups without a mention alone, as Discord sends them blank", async () => {
    const { world } = rig.fake;
    const thread = world.threads[0];
    expect(thread?.owner_id).toBe(world.bot.id);
    const mark = rig.fake.requests.length;
    rig.fake.userMessage({ content: "unreadable follow-up", channelId: thread?.id ?? "", mention: "none" });
    await rig.drained();
    expect(rig.channelCallsSince(mark)).toEqual([]);
  });
});
