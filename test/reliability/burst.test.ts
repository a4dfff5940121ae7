import type { APIUser } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { user as discordUser } from "../support/fakeDiscord/payloads.js";
import { appMention, messagePosted } from "../support/fakeSlack/events.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { type BurstFigures, printFigures, sampleMemory } from "./burstFigures.js";
import {
  type Observed,
  type Outcome,
  observer,
  outcomeOf,
  type Sent,
  shownAnswer,
  storedReplies,
} from "./burstOutcomes.js";
import { type GuruStack, openGuruStack } from "./guruStack.js";

/**
 * Load: one Guru — one engine (two slots, a line of 64), one conversation service on SQLite — behind
 * Slack over Socket Mode, Slack over HTTP and Discord, as `guru start` runs them, takes a burst from
 * fifty people: mentions, slash commands and DMs on every surface, some delivered twice, far faster
 * than two slots can answer. Every message must end with exactly one final outcome (see
 * burstOutcomes.ts for how it is read off the fakes), the engine's line must drain, memory must stay
 * bounded. The figures are printed to quote.
 */

/** `npm run stress` sends 1,000 or more; the default keeps the suite within its time budget. */
const messageCount = Number(process.env.GURU_BURST_MESSAGES ?? 300);
const userCount = 50;
/** Per person and platform bot; an hour's window, so who is refused does not depend on timing. */
const rateLimit = { requests: 6, windowSeconds: 3600 };

type Surface = "slack-socket" | "slack-http" | "discord";
type Kind = "mention" | "dm" | "slash" | "slash-dm";

interface Planned {
  readonly marker: string;
  readonly user: number;
  readonly surface: Surface;
  readonly kind: Kind;
  /** Delivered a second time, as a platform does after a timeout or a reconnect. */
  readonly redelivered: boolean;
}

/** Every surface and way of asking in turn: mentions, slash commands and DMs on all three. */
const rotation: readonly (readonly [Surface, Kind])[] = [
  ["slack-socket", "mention"],
  ["discord", "mention"],
  ["slack-http", "mention"],
  ["slack-socket", "slash"],
  ["discord", "slash"],
  ["slack-http", "slash"],
  ["slack-socket", "dm"],
  ["discord", "dm"],
  ["slack-http", "dm"],
  ["discord", "slash-dm"],
];

/**
 * The burst: every fourth message comes from one of five heavy users (so some pass their rate
 * limit), the rest from all fifty in turn, shifted by one every fifty messages so that each person
 * comes round to every surface and way of asking. A DM's answer is not threaded, so each person
 * sends one DM per surface and asks by mention after that.
 */
function planBurst(count: number): Planned[] {
  const dms = new Set<string>();
  return Array.from({ length: count }, (_, index) => {
    const user =
      index % 4 === 0
        ? (Math.floor(index / 4) + Math.floor(index / 20)) % 5
        : (index + Math.floor(index / userCount)) % userCount;
    const [surface, wanted] = rotation[index % rotation.length] ?? ["discord", "mention"];
    let kind = wanted;
    if (kind === "dm") {
      if (dms.has(`${surface}:${user}`)) kind = "mention";
      else dms.add(`${surface}:${user}`);
    }
    // Slack never redelivers a slash command.
    const redelivered = index % 7 === 3 && !(surface !== "discord" && kind === "slash");
    return { marker: `m${String(index).padStart(5, "0")}`, user, surface, kind, redelivered };
  });
}

let engine: Engine;
let stack: GuruStack;
let plan: Planned[];
let observed: Observed[];
let outcomes: Outcome[];
let figures: BurstFigures;

beforeAll(
  async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 2048, maxWaiting: 64, maxWaitingPerUser: 4 });
    stack = await openGuruStack(engine, { slack: { rateLimit }, discord: { rateLimit } });
    plan = planBurst(messageCount);
    const discordUsers: APIUser[] = Array.from({ length: userCount }, (_, i) =>
      discordUser(stack.discord.fake.world.ids.next(), `person${i}`),
    );
    const { fake } = stack.discord;
    const { general, random } = fake.world.channels;

    const deliver = async (m: Planned, index: number): Promise<Sent> => {
      const question = `${m.marker} what is ${index} squared?`;
      if (m.surface === "discord") {
        const author = discordUsers[m.user];
        const channelId = index % 2 === 0 ? general.id : random.id;
        if (m.kind === "slash" || m.kind === "slash-dm") {
          const sent = fake.slashCommand({
            name: "ask",
            prompt: question,
            ...(author ? { user: author } : {}),
            ...(m.kind === "slash-dm" ? { dm: true } : { channelId }),
          });
          if (m.redelivered) fake.redeliver(sent);
          return { via: "discord-interaction", id: sent.id };
        }
        const sent = fake.userMessage({
          content: question,
          ...(author ? { author } : {}),
          ...(m.kind === "dm" ? { dm: true } : { channelId }),
        });
        if (m.redelivered) fake.redeliver(sent);
        return { via: "discord-message", channel: sent.message.channel_id, id: sent.message.id };
      }
      const transport = m.surface === "slack-socket" ? "socket" : "http";
      const rig = stack.slack[transport];
      const person = `U0USER${String(m.user).padStart(2, "0")}`;
      const tag = transport.toUpperCase();
      const channel = `C0${tag}${index % 2 === 0 ? "A" : "B"}`;
      if (m.kind === "slash") {
        const reply = await rig.command({ user: person, channel, text: `ask ${question}` });
        return { via: "slack-command", rig, channel, ack: reply.text, marker: m.marker };
      }
      const direct = m.kind === "dm";
      const place = direct ? `D0${tag}${person}` : channel;
      const posted = rig.slack.web.userPosts({
        user: person,
        channel: place,
        text: direct ? question : `<@${workspace.botUserId}> ${question}`,
      });
      // Slack sends a mention twice (`app_mention` and `message.channels`); a DM once.
      const events = direct
        ? [messagePosted(posted, "im")]
        : [appMention(posted), messagePosted(posted, "channel")];
      for (const event of events) await rig.event(event);
      if (m.redelivered) await rig.event(events[0] ?? appMention(posted), { retry: 1 });
      return { via: direct ? "slack-dm" : "slack-thread", rig, channel: place, ts: posted.ts, user: person };
    };

    const sampler = sampleMemory(() => stack.service.status().waiting);
    const started = performance.now();
    const sentAll: Sent[] = new Array(plan.length);
    let next = 0;
    // Sixteen deliveries in flight at a time: far faster than two slots can answer.
    const lanes = Array.from({ length: 16 }, async () => {
      while (next < plan.length) {
        const index = next;
        next += 1;
        const m = plan[index];
        if (m) sentAll[index] = await deliver(m, index);
      }
    });
    await Promise.all(lanes);
    const delivered = performance.now();

    const look = observer(stack);
    const settled = () => {
      const observe = look();
      return sentAll.every((sent) => !["lost", "not final"].includes(outcomeOf(observe(sent))));
    };
    const deadline = performance.now() + 60_000 + messageCount * 200;
    while (!settled() && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    await stack.idle();
    const drained = performance.now();
    const memory = sampler.stop();

    const observe = look();
    observed = sentAll.map(observe);
    outcomes = observed.map(outcomeOf);
    const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
    figures = {
      messages: plan.length,
      users: userCount,
      answered: count("answered"),
      refusedQueueFull: count("queue full"),
      refusedRateLimited: count("rate limited"),
      failed: count("failed"),
      notFinal: count("not final"),
      lost: count("lost"),
      duplicated: count("duplicated"),
      redelivered: plan.filter((m) => m.redelivered).length,
      peakRssMiB: memory.peakRssMiB,
      peakHeapMiB: memory.peakHeapMiB,
      peakWaiting: memory.peakWaiting,
      deliverySeconds: (delivered - started) / 1000,
      drainSeconds: (drained - delivered) / 1000,
    };
    printFigures(figures);
  },
  180_000 + messageCount * 300,
);

afterAll(async () => {
  await stack?.close();
  await engine?.close();
});

describe(`a burst of ${messageCount} messages from ${userCount} people over Slack (Socket Mode and HTTP) and Discord`, () => {
  it("gives every message exactly one final outcome: an answer, or a refusal that says why", () => {
    const unexpected = outcomes.flatMap((outcome, i) =>
      ["answered", "queue full", "rate limited"].includes(outcome)
        ? []
        : [{ ...plan[i], outcome, replies: observed[i]?.replies }],
    );
    expect(unexpected).toEqual([]);
    expect(figures.answered + figures.refusedQueueFull + figures.refusedRateLimited).toBe(messageCount);
  });

  it("refuses exactly the questions past each person's rate limit on each platform", () => {
    const sent = new Map<string, number>();
    const refused = new Map<string, number>();
    for (const [i, m] of plan.entries()) {
      const bot = `${m.surface}:${m.user}`;
      sent.set(bot, (sent.get(bot) ?? 0) + 1);
      if (outcomes[i] === "rate limited") refused.set(bot, (refused.get(bot) ?? 0) + 1);
    }
    for (const [bot, n] of sent)
      expect([bot, refused.get(bot) ?? 0]).toEqual([bot, Math.max(0, n - rateLimit.requests)]);
  });

  it("shows each answer exactly as stored, stores one reply to every question it answered and nothing more for a refused one", () => {
    const stored = storedReplies(stack.databasePath);
    const taken = new Set<string>();
    for (const [i, outcome] of outcomes.entries()) {
      const seen = observed[i];
      const key = seen?.question ?? null;
      if (outcome === "rate limited") {
        if (key !== null) expect(stored.get(key)).toBeUndefined();
        continue;
      }
      if (!seen || key === null) throw new Error(`message ${i} has no stored question`);
      taken.add(key);
      const replies = stored.get(key) ?? [];
      if (outcome === "answered") {
        expect(replies).toHaveLength(1);
        expect(replies[0]?.status).toBe("complete");
        expect(seen.replies[0]).toBe(shownAnswer(replies[0]?.text ?? "", seen.platform));
      } else {
        // Refused before anything was stored; or, when the line filled up after it was stored, kept
        // with its refusal.
        expect(replies.length).toBeLessThanOrEqual(1);
        for (const reply of replies)
          expect([reply.status, reply.reason]).toEqual([
            "failed",
            expect.stringMatching(/^(USER_)?QUEUE_FULL$/),
          ]);
      }
    }
    expect([...stored.keys()].filter((key) => !taken.has(key))).toEqual([]);
  });

  it("drains the engine's queue back to empty", () => {
    expect(stack.service.status()).toMatchObject({ busy: 0, waiting: 0 });
  });

  it("keeps memory bounded", () => {
    expect(figures.peakRssMiB).toBeLessThan(1536);
  });
});
