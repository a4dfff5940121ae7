import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentMessage } from "../support/fakeDiscord/fakeDiscord.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor } from "./interactionRequests.js";

function repliesTo(sent: SentMessage, requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter(
    (r) =>
      (r.body as { message_reference?: { message_id: string } } | null)?.message_reference?.message_id ===
      sent.message.id,
  );
}

describe.each([
  ["RESUME is answered with INVALID_SESSION", "invalidSession"],
  ["the gateway closes with a code that allows no resume (4007)", "nonResumableClose"],
] as const)("a gateway session that cannot resume: %s", (_name, how) => {
  let engine: Engine;
  let rig: DiscordRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
    await engine?.close();
  });

  it("Guru identifies anew; what Discord replays in the new session is not answered twice, a new message is answered once", async () => {
    const interaction = rig.fake.slashCommand({ name: "ask", prompt: "Before the new session" });
    const mention = rig.fake.userMessage({ content: "Also before the new session" });
    await rig.settle(
      (requests) =>
        callsFor(requests, interaction).callbacks.length > 0 && repliesTo(mention, requests).length > 0,
    );
    await rig.drained();
    const interactionCalls = callsFor(rig.fake.requests, interaction).all.length;
    const refusedBefore = rig.fake.gateway.invalidSessions;

    await rig.fake.gateway.endSession(how);
    const mark = rig.fake.requests.length;
    rig.fake.redeliver(interaction);
    rig.fake.redeliver(mention);
    const fresh = rig.fake.userMessage({ content: "After the new session" });
    await rig.settle((requests) => repliesTo(fresh, requests).length > 0);
    await rig.drained();

    expect(rig.fake.gateway.identified).toHaveLength(2);
    expect(rig.fake.gateway.invalidSessions - refusedBefore).toBe(how === "invalidSession" ? 1 : 0);
    expect(callsFor(rig.fake.requests, interaction).all).toHaveLength(interactionCalls);
    expect(repliesTo(mention, rig.since(mark))).toEqual([]);
    expect(repliesTo(fresh, rig.fake.requests)).toHaveLength(1);
  });
});
