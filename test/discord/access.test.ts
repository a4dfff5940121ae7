import { InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusedText } from "../../src/bots/discord/discordText.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentInteraction, SentMessage } from "../support/fakeDiscord/fakeDiscord.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, flagsOf } from "./interactionRequests.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

function repliedTo(sent: SentMessage) {
  return (requests: readonly RecordedRequest[]) =>
    requests.some(
      (r) =>
        (r.body as { message_reference?: { message_id: string } } | null)?.message_reference?.message_id ===
        sent.message.id,
    );
}

function replyTo(rig: DiscordRig, sent: SentMessage): RecordedRequest | undefined {
  return rig.fake.requests.find((r) => repliedTo(sent)([r]));
}

describe("allowlists", () => {
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine, {
      discord: (world) => ({
        allow: { channels: [world.channels.general.id], roles: [world.roles.helpers.id] },
      }),
    });
  });

  afterAll(async () => {
    await rig?.close();
  });

  async function callbackOf(sent: SentInteraction) {
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    return callsFor(rig.fake.requests, sent);
  }

  it("answers an allowed member in an allowed channel", async () => {
    const calls = await callbackOf(rig.fake.slashCommand({ name: "ask", prompt: "Allowed?" }));
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
  });

  it("refuses a slash command outside the allowed channels, ephemerally, without running the model", async () => {
    const { world } = rig.fake;
    const calls = await callbackOf(
      rig.fake.slashCommand({ name: "ask", prompt: "Here?", channelId: world.channels.random.id }),
    );
    expect(calls.all).toHaveLength(1);
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: refusedText },
    });
    expect(flagsOf(calls.callbacks[0])).toBe(MessageFlags.Ephemeral);
    expect(
      rig.service.remembered({
        platform: "discord",
        space: world.guildId,
        channel: world.channels.random.id,
        thread: null,
      }),
    ).toBeNull();
  });

  it("refuses a member without an allowed role, by slash command and by mention", async () => {
    const { world } = rig.fake;
    const calls = await callbackOf(
      rig.fake.slashCommand({ name: "ask", prompt: "Me too?", user: world.users.bob }),
    );
    expect(calls.callbacks[0]?.body).toMatchObject({
      data: { content: refusedText, flags: MessageFlags.Ephemeral },
    });
    const mention = rig.fake.userMessage({ content: "And me?", author: world.users.bob });
    await rig.settle(repliedTo(mention));
    expect(replyTo(rig, mention)?.body).toMatchObject({ content: refusedText });
  });

  it("still lets anyone see /help and delete their own data", async () => {
    const { world } = rig.fake;
    const calls = await callbackOf(rig.fake.slashCommand({ name: "forget-me", user: world.users.bob }));
    expect(calls.callbacks[0]?.body).toMatchObject({
      data: { content: expect.stringMatching(/^🧹 Deleted/) },
    });
  });
});

describe("per-user rate limit", () => {
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine, { discord: { rateLimit: { requests: 2, windowSeconds: 60 } } });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("tells a user who asks too fast when to try again: ephemerally for slash commands, in a reply for mentions", async () => {
    for (const prompt of ["one", "two"]) {
      const sent = rig.fake.slashCommand({ name: "ask", prompt });
      await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    }
    const third = rig.fake.slashCommand({ name: "ask", prompt: "three" });
    await rig.settle((requests) => callsFor(requests, third).callbacks.length > 0);
    const calls = callsFor(rig.fake.requests, third);
    expect(calls.all).toHaveLength(1);
    expect(calls.callbacks[0]?.body).toMatchObject({
      data: { content: expect.stringMatching(/try again in \d+ s/), flags: MessageFlags.Ephemeral },
    });
    const mention = rig.fake.userMessage({ content: "four" });
    await rig.settle(repliedTo(mention));
    expect(replyTo(rig, mention)?.body).toMatchObject({
      content: expect.stringMatching(/try again in \d+ s/),
    });
    const other = rig.fake.slashCommand({
      name: "ask",
      prompt: "Bob is not limited",
      user: rig.fake.world.users.bob,
    });
    await rig.settle((requests) => callsFor(requests, other).callbacks.length > 0);
    expect(callsFor(rig.fake.requests, other).callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
  });
});

describe("other bots", () => {
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine, { discord: { answerBots: true } });
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("are answered when answerBots is on", async () => {
    const sent = rig.fake.userMessage({ content: "Bot to bot", author: rig.fake.world.users.robot });
    await rig.settle(repliedTo(sent));
    expect(replyTo(rig, sent)).toBeDefined();
  });
});
