import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf } from "./interactionRequests.js";
import { ScriptedEngine } from "./scriptedEngine.js";

const answer = `A slot queue hands out context sequences fairly. ${"Each waiting request keeps its place. ".repeat(8).trim()}`;

describe("when Discord refuses an edit", () => {
  const engine = new ScriptedEngine({ chunkChars: 30, delayMs: 25 });
  let rig: DiscordRig;

  beforeAll(async () => {
    engine.say(answer);
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("posts the reply as a new message when its placeholder cannot be edited (deleted meanwhile)", async () => {
    const { world } = rig.fake;
    rig.fake.failNext({ method: "PATCH", route: /^\/channels\/\d+\/messages\/\d+$/, status: 404 });
    const mark = rig.fake.requests.length;
    const sent = rig.fake.userMessage({ content: "Explain slot queues" });
    await rig.settle((requests) => requests.slice(mark).filter((r) => r.method === "POST").length >= 2);
    const calls = rig.channelCallsSince(mark);
    expect(calls.find((r) => r.method === "PATCH")?.status).toBe(404);
    const fromGuru = rig.fake
      .messagesIn(world.channels.general.id)
      .filter((m) => m.message.author.id === world.bot.id);
    expect(fromGuru.at(-1)?.message.content).toBe(answer);
    expect(fromGuru.at(-2)?.message.message_reference?.message_id).toBe(sent.message.id);
  });

  it("falls back to a follow-up when the deferred reply stays unavailable after discord.js's retries", async () => {
    // discord.js retries a 5xx three times; the fourth failure reaches Guru.
    rig.fake.failNext({ method: "PATCH", route: /\/messages\/@original$/, status: 500, times: 4 });
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Explain slot queues" });
    await rig.settle((requests) => callsFor(requests, sent).followUps.length > 0);
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.edits.slice(0, 4).map((r) => r.status)).toEqual([500, 500, 500, 500]);
    const interaction = world().interactions.get(sent.id);
    const followUp = world().messages.get(interaction?.messageIds[1] ?? "");
    expect(followUp?.message.content).toBe(answer);
  });

  it("leaves rate limits to discord.js: an edit answered 429 is retried after the wait and lands in place", async () => {
    rig.fake.failNext({
      method: "PATCH",
      route: /\/messages\/@original$/,
      status: 429,
      retryAfterSeconds: 0.3,
    });
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Explain slot queues again" });
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    const calls = callsFor(rig.fake.requests, sent);
    const [limited, retried] = calls.edits;
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(290);
    expect(calls.followUps).toEqual([]);
    expect(contentOf(calls.edits.at(-1))).toBe(answer);
  });

  function world() {
    return rig.fake.world;
  }
});
