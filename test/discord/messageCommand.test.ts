import { type APIEmbed, ApplicationCommandType, InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerDiscordCommands } from "../../src/bots/discord/commandRegistration.js";
import { refusedText } from "../../src/bots/discord/discordText.js";
import { analyzeCommandName } from "../../src/bots/discord/messageCommand.js";
import { configSchema } from "../../src/config/configSchema.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { DiscordWorld } from "../support/fakeDiscord/discordWorld.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { type CapturingEngine, capturePrompts, userSideText } from "./capturedPrompts.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf, flagsOf } from "./interactionRequests.js";

describe('Discord: the "Analyze with Guru" message command', () => {
  let engine: Engine;
  let captured: CapturingEngine;
  let rig: DiscordRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
  });

  afterEach(async () => {
    await rig?.close();
  });

  afterAll(async () => {
    await engine?.close();
  });

  async function open(discord: (world: DiscordWorld) => Record<string, unknown> = () => ({})) {
    captured = capturePrompts(engine);
    rig = await DiscordRig.open(captured, { discord });
  }

  async function run(sent: SentInteraction) {
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    await rig.drained();
    return callsFor(rig.fake.requests, sent);
  }

  it("shows an analysis of the message, read with its thread, as the command's response", async () => {
    await open();
    const { world } = rig.fake;
    const thread = rig.fake.openThread({ name: "Deploy plan" });
    rig.fake.userMessage({ content: "We ship on Friday at noon.", channelId: thread.id, mention: "none" });
    const target = rig.fake.userMessage({
      content: "Skip the canary, it always passes.",
      channelId: thread.id,
      author: world.users.bob,
      mention: "none",
    });

    const calls = await run(
      rig.fake.messageCommand({ name: analyzeCommandName, targetId: target.message.id }),
    );

    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
    const final = calls.edits.at(-1)?.body as { embeds: APIEmbed[] };
    expect(final.embeds[0]?.title).toBe("Analysis: Skip the canary, it always passes.");
    const prompt = userSideText(captured.generations.at(-1)?.turns ?? []);
    expect(prompt).toContain("We ship on Friday at noon.");
    expect(prompt).toContain("Skip the canary, it always passes.");
    const address: ConversationAddress = {
      platform: "discord",
      space: world.guildId,
      channel: world.channels.general.id,
      thread: thread.id,
    };
    expect(rig.service.remembered(address)?.analyses).toHaveLength(1);
  });

  it("analyzes a message in a channel, once however often the interaction is delivered", async () => {
    await open();
    const target = rig.fake.userMessage({ content: "Tabs beat spaces.", mention: "none" });
    const sent = rig.fake.messageCommand({ name: analyzeCommandName, targetId: target.message.id });
    const before = (await run(sent)).all.length;

    await rig.fake.gateway.forceResume({ replayFrom: (sent.seq ?? 1) - 1 });
    await rig.drained();

    expect(callsFor(rig.fake.requests, sent).all).toHaveLength(before);
    expect(captured.generations).toHaveLength(1);
  });

  it("refuses, to the caller alone, where the allowlists say no — without running the model", async () => {
    await open((world) => ({ allow: { channels: [world.channels.general.id] } }));
    const target = rig.fake.userMessage({
      content: "A plan for #random.",
      channelId: rig.fake.world.channels.random.id,
      mention: "none",
    });

    const calls = await run(
      rig.fake.messageCommand({ name: analyzeCommandName, targetId: target.message.id }),
    );

    expect(calls.all).toHaveLength(1);
    expect(contentOf(calls.callbacks[0])).toBe(refusedText);
    expect(flagsOf(calls.callbacks[0])).toBe(MessageFlags.Ephemeral);
    expect(captured.generations).toEqual([]);
  });

  it("counts against the caller's rate limit, as a mention does", async () => {
    await open(() => ({ rateLimit: { requests: 1, windowSeconds: 3600 } }));
    const first = rig.fake.userMessage({ content: "First take.", mention: "none" });
    const second = rig.fake.userMessage({ content: "Second take.", mention: "none" });
    await run(rig.fake.messageCommand({ name: analyzeCommandName, targetId: first.message.id }));

    const calls = await run(
      rig.fake.messageCommand({ name: analyzeCommandName, targetId: second.message.id }),
    );

    expect(contentOf(calls.callbacks[0])).toContain("please try again in");
    expect(flagsOf(calls.callbacks[0])).toBe(MessageFlags.Ephemeral);
    expect(captured.generations).toHaveLength(1);
  });

  it("is registered as a message command beside the slash commands", async () => {
    await open();
    const registration = await registerDiscordCommands({
      token: rig.fake.world.token,
      discord: configSchema.parse({ discord: { apiUrl: rig.fake.apiUrl } }).discord,
    });
    const put = rig.fake.requests.filter((r) => r.method === "PUT").at(-1);
    const commands = put?.body as { name: string; type: number }[];
    expect(commands).toContainEqual(
      expect.objectContaining({ name: analyzeCommandName, type: ApplicationCommandType.Message }),
    );
    expect(registration.messageCommands).toEqual([analyzeCommandName]);
  });
});
