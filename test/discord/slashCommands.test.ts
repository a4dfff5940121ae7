import { type APIEmbed, InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confidenceColour } from "../../src/bots/discord/analysisEmbed.js";
import { emptyAnswerText } from "../../src/bots/discord/discordText.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf, flagsOf } from "./interactionRequests.js";

describe("Discord slash commands on the tiny model", () => {
  let engine: Engine;
  let rig: DiscordRig;
  let general: ConversationAddress;
  let random: ConversationAddress;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
    rig = await DiscordRig.open(engine);
    const { world } = rig.fake;
    general = { platform: "discord", space: world.guildId, channel: world.channels.general.id, thread: null };
    random = { ...general, channel: world.channels.random.id };
  });

  afterAll(async () => {
    await rig?.close();
    await engine?.close();
  });

  async function run(sent: SentInteraction) {
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    return callsFor(rig.fake.requests, sent);
  }

  /** The reply's one immediate, ephemeral callback. */
  async function ephemeralReply(sent: SentInteraction): Promise<string> {
    const calls = await run(sent);
    expect(calls.all).toHaveLength(1);
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
    });
    expect(flagsOf(calls.callbacks[0])).toBe(MessageFlags.Ephemeral);
    const body = calls.callbacks[0]?.body as { data: { content: string } };
    return body.data.content;
  }

  it("answers /ask by deferring, then editing the reply into the stored answer", async () => {
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "What is a slot queue?" });
    const calls = await run(sent);
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
    const answer = rig.service.remembered(general)?.messages.at(-1);
    expect(answer).toMatchObject({ role: "assistant", status: "complete" });
    const original = rig.fake.world.messages.get(
      rig.fake.world.interactions.get(sent.id)?.originalMessageId ?? "",
    );
    expect(original?.message.content).toBe(answer?.text || emptyAnswerText);
    expect(contentOf(calls.edits.at(-1))).toBe(original?.message.content);
  });

  it("renders /analyze as an embed: summary, sections, confidence in the footer, colour by confidence", async () => {
    const sent = rig.fake.slashCommand({ name: "analyze", prompt: "Why is our build slow?" });
    const calls = await run(sent);
    const final = calls.edits.at(-1)?.body as { content: string; embeds: APIEmbed[] };
    const stored = rig.service.remembered(general)?.analyses.at(-1);
    expect(stored).toBeDefined();
    const analysis = JSON.parse(stored?.json ?? "{}") as { summary: string; confidence: { overall: number } };
    expect(final.content).toBe("");
    expect(final.embeds).toHaveLength(1);
    const embed = final.embeds[0];
    expect(embed?.title).toBe("Analysis: Why is our build slow?");
    expect(embed?.description).toBe(analysis.summary.trim());
    expect(embed?.color).toBe(confidenceColour(analysis.confidence.overall));
    expect(embed?.footer?.text).toMatch(/^Confidence \d+% — token probability \d+%/);
    expect(embed?.fields?.[0]?.name).toBe("Reasoning");
  });

  it("answers /help, /status and /memory at once, to the asker alone", async () => {
    expect(await ephemeralReply(rig.fake.slashCommand({ name: "help" }))).toContain("/analyze");
    expect(await ephemeralReply(rig.fake.slashCommand({ name: "status" }))).toMatch(
      /\*\*Model:\*\* .+ on CPU/,
    );
    expect(await ephemeralReply(rig.fake.slashCommand({ name: "memory" }))).toMatch(
      /^What I keep of this conversation: \d+ messages, 1 analysis\./,
    );
  });

  it("lets /forget clear a shared channel only for members who may manage messages", async () => {
    const { world } = rig.fake;
    await run(
      rig.fake.slashCommand({ name: "ask", prompt: "Remember me", channelId: world.channels.random.id }),
    );
    expect(rig.service.remembered(random)?.messages.length).toBeGreaterThan(0);
    const refused = await ephemeralReply(
      rig.fake.slashCommand({ name: "forget", user: world.users.bob, channelId: world.channels.random.id }),
    );
    expect(refused).toContain("Manage Messages");
    expect(rig.service.remembered(random)?.messages.length).toBeGreaterThan(0);
    const done = await ephemeralReply(
      rig.fake.slashCommand({ name: "forget", channelId: world.channels.random.id }),
    );
    expect(done).toContain("Forgotten");
    expect(rig.service.remembered(random)).toBeNull();
  });

  it("sends /export as a JSON file only the asker sees, and /forget-me deletes what it held", async () => {
    const { world } = rig.fake;
    await run(rig.fake.slashCommand({ name: "ask", prompt: "Bob's own question", user: world.users.bob }));
    const sent = rig.fake.slashCommand({ name: "export", user: world.users.bob });
    const calls = await run(sent);
    expect(flagsOf(calls.callbacks[0])).toBe(MessageFlags.Ephemeral);
    const file = calls.callbacks[0]?.files[0];
    expect(file?.name).toBe(`guru-discord-${world.users.bob.id}.json`);
    const exported = JSON.parse(file?.data.toString("utf8") ?? "{}") as {
      user: { author: string };
      conversations: { messages: { text: string }[] }[];
    };
    expect(exported.user.author).toBe(world.users.bob.id);
    expect(exported.conversations.flatMap((c) => c.messages.map((m) => m.text))).toContain(
      "Bob's own question",
    );

    const forgotten = await ephemeralReply(
      rig.fake.slashCommand({ name: "forget-me", user: world.users.bob }),
    );
    expect(forgotten).toMatch(/^🧹 Deleted 2 messages \(yours and my replies to them\)/);
    const after = rig.service.exportUser({ platform: "discord", author: world.users.bob.id });
    expect(after.conversations.flatMap((c) => c.messages)).toHaveLength(0);
  });
});
