import { InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { seedKeptMemory } from "../support/keptMemory.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, flagsOf } from "./interactionRequests.js";
import { ScriptedEngine } from "./scriptedEngine.js";

describe("Discord: /memory shows what is kept", () => {
  let rig: DiscordRig;
  let general: ConversationAddress;
  let long: string;

  beforeAll(async () => {
    rig = await DiscordRig.open(new ScriptedEngine({ chunkChars: 60, delayMs: 0 }));
    const { world } = rig.fake;
    general = { platform: "discord", space: world.guildId, channel: world.channels.general.id, thread: null };
    long = await seedKeptMemory(rig.databasePath, general, world.users.alice.id);
  });

  afterAll(async () => {
    await rig?.close();
  });

  /** The ephemeral reply's body, as Discord received it. */
  async function shown(sent: SentInteraction): Promise<{ content: string; allowed_mentions?: unknown }> {
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    const [callback] = callsFor(rig.fake.requests, sent).callbacks;
    expect(callback?.body).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource });
    expect(flagsOf(callback)).toBe(MessageFlags.Ephemeral);
    return (
      (callback?.body as { data: { content: string; allowed_mentions?: unknown } } | undefined)?.data ?? {
        content: "",
      }
    );
  }

  it("shows the summary, latest messages trimmed and the analyses, to the asker alone, under 2,000 characters", async () => {
    const reply = await shown(rig.fake.slashCommand({ name: "memory" }));

    expect(reply.content.length).toBeLessThanOrEqual(2000);
    expect(reply.content).toMatch(
      /^What I keep of this conversation: 8 messages, 1 analysis and a summary of the older turns\.\n\n\*\*Summary of older turns \(updated \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\*\*\nAlice & Bob sized the billing shards <!here>\n\n\*\*Latest 6 of 8 messages\*\*\n/,
    );
    expect(reply.content).toContain("• **you**, ");
    expect(reply.content).toContain("• **Guru**, ");
    expect(reply.content).toContain("\\*loud\\* \\`code\\`");
    expect(reply.content).not.toContain(long);
    expect(reply.content).toMatch(
      /• \d{4}-\d\d-\d\d \d\d:\d\d UTC · confidence 72% · Shard billing by customer id <@U0BOB>/,
    );
    expect(reply.content).not.toContain("\u001b");
    expect(reply.content.endsWith("`/forget-me` deletes your own messages everywhere.")).toBe(true);
    expect(reply.allowed_mentions).toMatchObject({ parse: [] });
  });

  it("shows another person their own part as someone else's, and nothing of another channel", async () => {
    const { world } = rig.fake;
    const bobs = await shown(rig.fake.slashCommand({ name: "memory", user: world.users.bob }));
    const elsewhere = await shown(
      rig.fake.slashCommand({ name: "memory", channelId: world.channels.random.id }),
    );

    expect(bobs.content).toContain("• **someone else**, ");
    expect(bobs.content).not.toContain("• **you**, ");
    expect(elsewhere.content).toBe("I keep nothing of this conversation yet.");
  });
});
