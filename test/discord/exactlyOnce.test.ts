import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentMessage } from "../support/fakeDiscord/fakeDiscord.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor } from "./interactionRequests.js";

function repliedTo(sent: SentMessage) {
  return (requests: readonly RecordedRequest[]) =>
    requests.some(
      (r) =>
        (r.body as { message_reference?: { message_id: string } } | null)?.message_reference?.message_id ===
        sent.message.id,
    );
}

describe("exactly once", () => {
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

  it("gives a slash command replayed after a gateway resume no second reply", async () => {
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Once, please" });
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    const before = callsFor(rig.fake.requests, sent).all.length;
    await rig.fake.gateway.forceResume({ replayFrom: (sent.seq ?? 1) - 1 });
    expect(rig.fake.gateway.resumed.at(-1)?.replayed).toBeGreaterThanOrEqual(1);
    await rig.drained();
    expect(callsFor(rig.fake.requests, sent).all).toHaveLength(before);
  });

  it("gives a mention replayed after a gateway resume no second reply", async () => {
    const sent = rig.fake.userMessage({ content: "Just once" });
    // The typing indicator's first trigger may reach Discord after the reply on a busy machine.
    await rig.settle(
      (requests) => repliedTo(sent)(requests) && requests.some((r) => r.route.endsWith("/typing")),
    );
    const mark = rig.fake.requests.length;
    await rig.fake.gateway.forceResume({ replayFrom: (sent.seq ?? 1) - 1 });
    await rig.drained();
    expect(rig.channelCallsSince(mark)).toEqual([]);
  });

  it("answers a message sent while the connection was down once, when the session resumes", async () => {
    let missed: SentMessage | undefined;
    await rig.fake.gateway.forceResume({
      duringOutage: () => {
        missed = rig.fake.userMessage({ content: "Sent during the outage" });
      },
    });
    if (!missed) throw new Error("nothing was sent during the outage");
    const sent = missed;
    expect(rig.fake.gateway.resumed.at(-1)?.replayed).toBe(1);
    await rig.settle(repliedTo(sent));
    await rig.drained();
    expect(rig.fake.requests.filter((r) => repliedTo(sent)([r]))).toHaveLength(1);
  });

  it("keeps the ids in SQLite: after a restart, a redelivered interaction or message gets no reply", async () => {
    const interaction = rig.fake.slashCommand({ name: "ask", prompt: "Before the restart" });
    const mention = rig.fake.userMessage({ content: "Also before the restart" });
    await rig.settle(
      (requests) => callsFor(requests, interaction).callbacks.length > 0 && repliedTo(mention)(requests),
    );
    const before = callsFor(rig.fake.requests, interaction).all.length;
    rig = await rig.restart();
    const mark = rig.fake.requests.length;
    expect(rig.fake.gateway.identified).toHaveLength(2);
    rig.fake.redeliver(interaction);
    rig.fake.redeliver(mention);
    await rig.drained();
    expect(callsFor(rig.fake.requests, interaction).all).toHaveLength(before);
    expect(rig.channelCallsSince(mark)).toEqual([]);
  });

  it.each([
    ["RESUME is answered with INVALID_SESSION", "invalidSession"],
    ["the gateway closes with a code that allows no resume (4007)", "nonResumableClose"],
  ] as const)(
    "after a session that cannot resume (%s), Guru identifies anew; what Discord replays then gets no second reply, a new message one",
    async (_name, how) => {
      const interaction = rig.fake.slashCommand({ name: "ask", prompt: "Before the new session" });
      const mention = rig.fake.userMessage({ content: "Also before the new session" });
      await rig.settle(
        (requests) => callsFor(requests, interaction).callbacks.length > 0 && repliedTo(mention)(requests),
      );
      await rig.drained();
      const interactionCalls = callsFor(rig.fake.requests, interaction).all.length;
      const identifiedBefore = rig.fake.gateway.identified.length;
      const refusedBefore = rig.fake.gateway.invalidSessions;

      await rig.fake.gateway.endSession(how);
      const mark = rig.fake.requests.length;
      // discord.js drops a MESSAGE_CREATE for a message it has cached; the interaction reaches Guru.
      rig.fake.redeliver(interaction);
      rig.fake.redeliver(mention);
      const fresh = rig.fake.userMessage({ content: "After the new session" });
      await rig.settle(repliedTo(fresh));
      await rig.drained();

      expect(rig.fake.gateway.identified).toHaveLength(identifiedBefore + 1);
      expect(rig.fake.gateway.invalidSessions - refusedBefore).toBe(how === "invalidSession" ? 1 : 0);
      expect(callsFor(rig.fake.requests, interaction).all).toHaveLength(interactionCalls);
      expect(rig.since(mark).filter((r) => repliedTo(mention)([r]))).toEqual([]);
      expect(rig.fake.requests.filter((r) => repliedTo(fresh)([r]))).toHaveLength(1);
    },
  );
});
