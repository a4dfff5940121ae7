import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { thinkingText } from "../../src/bots/discord/discordText.js";
import { writeReplyLocator } from "../../src/bots/discord/replyLocator.js";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationEvent } from "../../src/engine/generationTypes.js";
import { Memory } from "../../src/memory/memory.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";
import { countWords, query, summarizeNothing } from "../memory/support.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf } from "./interactionRequests.js";

let engine: Engine;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real engine, except that every answer stops after it started, as in a process killed mid-answer. */
function stalledEngine(hang: Promise<void>): AnswerEngine {
  return {
    async *generate(request): AsyncGenerator<GenerationEvent> {
      for await (const event of engine.generate(request)) {
        yield event;
        if (event.type === "started") {
          await hang;
          return;
        }
      }
    },
    countTokens: (text) => engine.countTokens(text),
    stats: () => engine.stats(),
    refusal: (owner) => engine.refusal(owner),
  };
}

/** A Guru that took a question (`ask`), showed that it was at work on it (`shown`) and died. */
async function killedWhileAnswering(
  ask: (rig: DiscordRig) => void,
  shown: (rig: DiscordRig) => boolean = (rig) =>
    rig.fake.requests.some((r) => contentOf(r) === thinkingText) &&
    query<{ locator: string }>(rig.databasePath, "SELECT locator FROM pending_replies")[0]?.locator.includes(
      "messageId",
    ) === true,
): Promise<DiscordRig> {
  let release = () => {};
  const hang = new Promise<void>((resolve) => {
    release = resolve;
  });
  const rig = await DiscordRig.open(stalledEngine(hang));
  cleanups.push(async () => {
    await rig.bot.stop();
    await rig.fake.close();
  }, release);
  ask(rig);
  await vi.waitFor(() => expect(shown(rig)).toBe(true), { timeout: 20_000 });
  rig.closeMemory();
  return rig;
}

async function restarted(rig: DiscordRig, memory: Record<string, unknown> = {}): Promise<DiscordRig> {
  const next = await rig.alongside(engine, memory);
  cleanups.push(() => next.stopProcess());
  return next;
}

function replies(rig: DiscordRig) {
  return query<{ status: string; status_reason: string | null }>(
    rig.databasePath,
    "SELECT status, status_reason FROM messages WHERE role = 'assistant'",
  );
}

function botMessagesIn(rig: DiscordRig, channelId: string) {
  return rig.fake
    .messagesIn(channelId)
    .filter((stored) => stored.message.author.id === rig.fake.world.bot.id)
    .map((stored) => stored.message.content);
}

describe("Discord: a reply a killed Guru left saying Thinking…", () => {
  it("is edited into the answer when Guru restarts soon after — by one of two restarted processes, once", async () => {
    const rig = await killedWhileAnswering((r) => r.fake.userMessage({ content: "What is a lease?" }));
    const general = rig.fake.world.channels.general.id;
    expect(botMessagesIn(rig, general)).toEqual([thinkingText]);

    await Promise.all([restarted(rig), restarted(rig)]);
    await vi.waitFor(() => expect(replies(rig)).toEqual([{ status: "complete", status_reason: null }]), {
      timeout: 30_000,
    });
    await vi.waitFor(() => expect(botMessagesIn(rig, general)[0]).not.toBe(thinkingText));
    expect(botMessagesIn(rig, general)).toHaveLength(1);
  });

  it("is edited into a note to ask again when the question is too old to pick up", async () => {
    const rig = await killedWhileAnswering((r) => r.fake.userMessage({ content: "What is a lease?" }));
    const general = rig.fake.world.channels.general.id;
    await restarted(rig, { resumeWithinMs: 0 });
    await vi.waitFor(() =>
      expect(botMessagesIn(rig, general)).toEqual([expect.stringMatching(/I was restarted/)]),
    );
    await vi.waitFor(() =>
      expect(replies(rig)).toEqual([{ status: "interrupted", status_reason: "RESTARTED" }]),
    );
  });

  it("finishes a slash command's deferred response through its token, while the token lives", async () => {
    let sent: SentInteraction | undefined;
    const rig = await killedWhileAnswering(
      (r) => {
        sent = r.fake.slashCommand({ name: "ask", prompt: "What is a lease?" });
      },
      // Deferred: Discord shows "Guru is thinking…" until the response is edited.
      (r) => sent !== undefined && callsFor(r.fake.requests, sent).callbacks.length === 1,
    );
    if (!sent) throw new Error("no interaction");
    const interaction = sent;
    await restarted(rig, { resumeWithinMs: 0 });
    await vi.waitFor(() => {
      const { edits, followUps } = callsFor(rig.fake.requests, interaction);
      expect(edits.map(contentOf)).toEqual([expect.stringMatching(/I was restarted/)]);
      expect(followUps).toEqual([]);
    });
    await vi.waitFor(() =>
      expect(replies(rig)).toEqual([{ status: "interrupted", status_reason: "RESTARTED" }]),
    );
  });

  it("is posted in the channel when the earlier run died before showing anything", async () => {
    const rig = await DiscordRig.open(engine);
    cleanups.push(() => rig.close());
    const general = rig.fake.world.channels.general.id;
    const question = rig.fake.userMessage({ content: "What is a lease?" });
    // What the front stores with the question before its placeholder exists; then the process died.
    const earlier = new Memory({
      path: rig.databasePath,
      countTokens: countWords,
      summarize: summarizeNothing,
    });
    earlier.recordInbound({
      address: { platform: "discord", space: rig.fake.world.guildId, channel: general, thread: null },
      author: rig.fake.world.users.alice.id,
      text: "What is a lease?",
      platformMessageId: question.message.id,
      eventId: `discord:message:${question.message.id}`,
      mode: "ask",
      replyLocator: writeReplyLocator({ kind: "message", channelId: general }),
    });
    earlier.close();
    // The running bot's sweep (every few seconds) takes it over.
    await vi.waitFor(() => expect(replies(rig)).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(botMessagesIn(rig, general)).toHaveLength(1));
    expect(botMessagesIn(rig, general)[0]).not.toBe(thinkingText);
  });
});
