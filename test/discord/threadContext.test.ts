import { InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { answerTo } from "./answers.js";
import { type CapturingEngine, turnsAnswering, userSideText } from "./capturedPrompts.js";
import { type DiscordRig, waitFor } from "./discordRig.js";
import { callsFor, contentOf, flagsOf } from "./interactionRequests.js";
import { openWatchedRig } from "./watchedRig.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

describe("asked inside a thread", () => {
  let rig: DiscordRig;
  let prompts: CapturingEngine;
  let logs: readonly string[];

  beforeAll(async () => {
    ({ rig, prompts, logs } = await openWatchedRig(engine));
  });

  afterAll(async () => {
    await rig?.close();
  });

  function threadAddress(threadId: string): ConversationAddress {
    const { world } = rig.fake;
    return {
      platform: "discord",
      space: world.guildId,
      channel: world.channels.general.id,
      thread: threadId,
    };
  }

  it("reads the thread's recent messages, from people and bots, oldest first", async () => {
    const { world } = rig.fake;
    const thread = rig.fake.openThread({ name: "Release planning" });
    rig.fake.userMessage({
      content: "We ship on Friday.",
      channelId: thread.id,
      mention: "none",
      files: [
        {
          name: "checklist.md",
          data: Buffer.from("- [x] changelog"),
          contentType: "text/markdown; charset=utf-8",
        },
      ],
    });
    rig.fake.userMessage({
      content: "QA has not signed off yet.",
      channelId: thread.id,
      author: world.users.bob,
      mention: "none",
    });
    rig.fake.userMessage({
      content: "CI: build 42 passed.",
      channelId: thread.id,
      author: world.users.robot,
      mention: "none",
    });
    const question = "are we ready to ship?";
    const sent = rig.fake.userMessage({ content: question, channelId: thread.id, author: world.users.bob });
    await answerTo(rig, sent);

    const prompt = userSideText(turnsAnswering(prompts, question));
    const said = ["We ship on Friday.", "QA has not signed off yet.", "CI: build 42 passed."].map((line) =>
      prompt.indexOf(line),
    );
    expect(said.every((at) => at >= 0)).toBe(true);
    expect([...said].sort((a, b) => a - b)).toEqual(said);
    expect(prompt.slice(0, said[0])).toContain("alice");
    expect(prompt).toContain("- [x] changelog");
    expect(prompt.slice(said[1], said[2])).toContain("robot");
  });

  it("reads only what is new on the next question (no file fetched twice, not its own answers), and keeps each message once", async () => {
    const { world } = rig.fake;
    const thread = rig.fake.world.threads.find((t) => t.name === "Release planning");
    if (!thread) throw new Error("the first test opens the thread");
    rig.fake.userMessage({ content: "QA signed off just now.", channelId: thread.id, mention: "none" });
    const question = "and now?";
    const sent = rig.fake.userMessage({ content: question, channelId: thread.id });
    await answerTo(rig, sent);

    expect(userSideText(turnsAnswering(prompts, question))).toContain("QA signed off just now.");
    const downloads = rig.fake.requests.filter((r) => r.route.endsWith("/checklist.md"));
    expect(downloads).toHaveLength(1);
    const remembered = rig.service.remembered(threadAddress(thread.id))?.messages ?? [];
    // Guru's answers are kept once, as its answers: never read back in as someone's message.
    expect(remembered.filter((m) => m.author === world.bot.id)).toEqual([]);
    const stored = remembered.map((m) => m.text);
    for (const line of ["We ship on Friday.", "QA has not signed off yet.", "QA signed off just now."]) {
      expect(stored.filter((text) => text.includes(line))).toHaveLength(1);
    }
  });

  it("reads the thread for /ask too", async () => {
    const thread = rig.fake.openThread({ name: "Incident 7" });
    rig.fake.userMessage({
      content: "The cache hit rate dropped to 3%.",
      channelId: thread.id,
      mention: "none",
    });
    const question = "what could cause this?";
    const sent = rig.fake.slashCommand({ name: "ask", prompt: question, channelId: thread.id });
    await rig.settle((requests) => callsFor(requests, sent).edits.length > 0);

    expect(userSideText(turnsAnswering(prompts, question))).toContain("The cache hit rate dropped to 3%.");
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.callbacks).toHaveLength(1);
    expect(calls.callbacks[0]?.status).toBe(204);
  });

  it("tells the asker alone when /ask in a thread is refused after it was acknowledged to read the thread", async () => {
    const thread = rig.fake.openThread({ name: "Blank questions" });
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "   ", channelId: thread.id });
    await rig.settle((requests) => callsFor(requests, sent).followUps.length > 0);

    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.callbacks[0]?.body).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
    expect(calls.deletes.map((r) => r.rawPath)).toEqual([
      `/api/v10/webhooks/${rig.fake.world.applicationId}/${sent.token}/messages/%40original`,
    ]);
    expect(flagsOf(calls.followUps[0])).toBe(MessageFlags.Ephemeral);
    expect(contentOf(calls.followUps[0]).length).toBeGreaterThan(0);
  });

  it("still answers when Discord refuses the thread's history, and says so once", async () => {
    const thread = rig.fake.openThread({ name: "Locked away" });
    rig.fake.failNext({ method: "GET", route: /^\/channels\/\d+\/messages$/, status: 403, code: 50001 });
    const question = "can you see this thread?";
    const sent = rig.fake.userMessage({ content: question, channelId: thread.id });
    const answer = await answerTo(rig, sent);

    expect(prompts.generations.some((g) => g.turns.at(-1)?.text.includes(question))).toBe(true);
    expect(answer.split("Read Message History")).toHaveLength(2);
    await waitFor(() => logs.some((line) => line.includes("Read Message History")));
    expect(
      logs.filter((line) => line.includes("give it View Channel and Read Message History")),
    ).toHaveLength(1);
  });

  it("says what it could not read above an /analyze embed too", async () => {
    const thread = rig.fake.openThread({ name: "Analysed in the dark" });
    rig.fake.failNext({ method: "GET", route: /^\/channels\/\d+\/messages$/, status: 403, code: 50013 });
    const sent = rig.fake.slashCommand({
      name: "analyze",
      prompt: "how healthy is this thread?",
      channelId: thread.id,
    });
    await rig.settle((requests) =>
      callsFor(requests, sent).edits.some(
        (r) => ((r.body as { embeds?: unknown[] }).embeds ?? []).length > 0,
      ),
    );

    const original = rig.fake.world.interactions.get(sent.id)?.originalMessageId ?? "";
    const shown = rig.fake.world.messages.get(original)?.message;
    expect(shown?.embeds).toHaveLength(1);
    expect(shown?.content.split("Read Message History")).toHaveLength(2);
  });
});
