import { InteractionResponseType } from "discord.js";
import { describe, expect, it } from "vitest";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { seedLongHistoryIn, useFoldingEngine, watchingSummaries } from "../support/longHistory.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf } from "./interactionRequests.js";

const engine = useFoldingEngine();

describe("Discord: /ask in a channel whose long history is folded first", () => {
  it("is deferred, and shows that it is reading back, before the summarizer's generation starts", async () => {
    let sent: SentInteraction | undefined;
    const callbacksAtSummary: number[] = [];
    const rig = await DiscordRig.open(
      watchingSummaries(engine(), () => {
        if (sent) callbacksAtSummary.push(callsFor(rig.fake.requests, sent).callbacks.length);
      }),
    );
    try {
      const { world } = rig.fake;
      const general = {
        platform: "discord",
        space: world.guildId,
        channel: world.channels.general.id,
        thread: null,
      };
      seedLongHistoryIn(rig.databasePath, engine(), general, world.users.alice.id);

      sent = rig.fake.slashCommand({ name: "ask", prompt: "and refunds?" });
      await rig.settle((requests) => callsFor(requests, sent as SentInteraction).callbacks.length > 0);
      await rig.bot.idle();

      expect(callbacksAtSummary.length).toBeGreaterThan(0);
      expect(callbacksAtSummary[0]).toBe(1);
      const calls = callsFor(rig.fake.requests, sent);
      expect(calls.callbacks[0]?.body).toMatchObject({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
      });
      expect(contentOf(calls.edits[0])).toBe("📚 Reading back through this conversation…");
      expect(rig.service.remembered(general)?.summary).not.toBeNull();
    } finally {
      await rig.close();
    }
  }, 120_000);
});
