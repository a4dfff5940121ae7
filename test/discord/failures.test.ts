import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuruError } from "../../src/errors.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf, flagsOf } from "./interactionRequests.js";
import { ScriptedEngine } from "./scriptedEngine.js";

describe("when an answer fails", () => {
  const engine = new ScriptedEngine({ chunkChars: 20, delayMs: 10 });
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("removes a deferred reply that has nothing to show and tells the asker alone why", async () => {
    engine.sayThenFail("", new GuruError("TIMEOUT", "The answer took too long. Please try again."));
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Too hard?" });
    await rig.settle((requests) => callsFor(requests, sent).followUps.length > 0);
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.deletes.map((r) => r.rawPath)).toEqual([
      `/api/v10/webhooks/${rig.fake.world.applicationId}/${sent.token}/messages/%40original`,
    ]);
    expect(flagsOf(calls.followUps[0])).toBe(MessageFlags.Ephemeral);
    expect(contentOf(calls.followUps[0])).toBe("⚠️ The answer took too long. Please try again.");
  });

  it("keeps what streamed before a failure, marked as cut short", async () => {
    const partial = "The first half of the answer made it out.";
    engine.sayThenFail(partial, new GuruError("TIMEOUT", "The answer took too long. Please try again."));
    const sent = rig.fake.userMessage({ content: "Long question" });
    await rig.settle((requests) =>
      requests.some((r) => r.method === "PATCH" && contentOf(r).includes("Cut short")),
    );
    const reply = rig.fake
      .messagesIn(rig.fake.world.channels.general.id)
      .find((m) => m.message.message_reference?.message_id === sent.message.id);
    expect(reply?.message.content).toBe(
      `${partial}\n\n⚠️ _Cut short: The answer took too long. Please try again._`,
    );
  });
});
