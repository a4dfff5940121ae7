import { InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queuedText } from "../../src/bots/discord/discordText.js";
import type { Engine } from "../../src/engine/engine.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";
import type { RecordedRequest } from "../support/fakeDiscord/restLog.js";
import { DiscordRig, waitFor } from "./discordRig.js";
import { callsFor, contentOf, flagsOf } from "./interactionRequests.js";

/** Keeps the engine's only slot busy for a couple of seconds, as another user's long answer would. */
async function occupy(engine: Engine): Promise<{ readonly done: Promise<unknown> }> {
  const done = collect(
    engine.generate({ ...chat("occupy", "someone-else"), maxTokens: 2000, ignoreEndOfText: true }),
  );
  await waitFor(() => engine.stats().busy === 1);
  return { done };
}

describe("while a request waits for the model", () => {
  let engine: Engine;
  let rig: DiscordRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
    await engine?.close();
  });

  it("shows the queue position in the placeholder and keeps the typing indicator alive", async () => {
    const { world } = rig.fake;
    const general = `/channels/${world.channels.general.id}`;
    const occupant = await occupy(engine);
    const mark = rig.fake.requests.length;
    const sent = rig.fake.userMessage({ content: "Am I in line?" });
    await waitFor(() => engine.stats().waiting === 1);
    await occupant.done;
    await rig.settle((requests) => requests.slice(mark).some((r) => r.method === "PATCH"));
    const calls = rig.channelCallsSince(mark);
    const placeholder = calls.find((r) => r.method === "POST" && r.route === `${general}/messages`);
    expect(placeholder?.body).toMatchObject({
      content: queuedText(1),
      message_reference: { message_id: sent.message.id },
    });
    const typing = calls.filter((r) => r.route === `${general}/typing`);
    expect(typing.length).toBeGreaterThanOrEqual(3);
    const waitedFrom = placeholder?.at ?? 0;
    const answeredAt = calls.find((r) => r.method === "PATCH")?.at ?? 0;
    // Renewed while waiting, not just once at the start.
    expect(typing.filter((r) => r.at > waitedFrom + 300 && r.at < answeredAt).length).toBeGreaterThanOrEqual(
      1,
    );
  });

  it("edits a deferred slash command's reply to show its queue position", async () => {
    const occupant = await occupy(engine);
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Waiting too?" });
    await waitFor(() => engine.stats().waiting === 1);
    await occupant.done;
    await rig.settle((requests) => callsFor(requests, sent).edits.length > 1);
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
    expect(contentOf(calls.edits[0])).toBe(queuedText(1));
    expect(contentOf(calls.edits.at(-1))).not.toBe(queuedText(1));
  });
});

describe("when the queue is full", () => {
  let engine: Engine;
  let rig: DiscordRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 4096, maxWaiting: 0 });
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
    await engine?.close();
  });

  it("says so to the asker alone, without deferring", async () => {
    const occupant = await occupy(engine);
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Room for me?" });
    await rig.settle((requests: readonly RecordedRequest[]) => callsFor(requests, sent).callbacks.length > 0);
    await occupant.done;
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.all).toHaveLength(1);
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
    });
    expect(flagsOf(calls.callbacks[0])).toBe(MessageFlags.Ephemeral);
    expect(contentOf(calls.callbacks[0])).toMatch(/^⏳ /);
  });
});
