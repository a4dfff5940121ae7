import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { answerTo } from "./answers.js";
import { type CapturingEngine, turnsAnswering, userSideText } from "./capturedPrompts.js";
import type { DiscordRig } from "./discordRig.js";
import { openWatchedRig } from "./watchedRig.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

describe("reading around a question without the Message Content intent", () => {
  let rig: DiscordRig;
  let prompts: CapturingEngine;
  let logs: readonly string[];

  beforeAll(async () => {
    ({ rig, prompts, logs } = await openWatchedRig(engine, { messageContentIntent: false }));
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("answers a reply to someone else's message, feeds no empty message, and the log says once what it cannot see", async () => {
    const { world } = rig.fake;
    const hidden = rig.fake.userMessage({ content: "The hidden plan is blue.", mention: "none" });
    const thread = rig.fake.openThread({ name: "Hidden thread" });
    rig.fake.userMessage({ content: "Also hidden.", channelId: thread.id, mention: "none" });
    const question = "what did she say?";
    const sent = rig.fake.userMessage({
      content: question,
      author: world.users.bob,
      replyTo: hidden.message.id,
    });
    const answer = await answerTo(rig, sent);
    const inThread = "and in here?";
    const threadAnswer = await answerTo(
      rig,
      rig.fake.userMessage({ content: inThread, channelId: thread.id, author: world.users.bob }),
    );

    for (const asked of [question, inThread]) {
      const prompt = userSideText(turnsAnswering(prompts, asked));
      expect(prompt).not.toContain("hidden");
      // Alice wrote the messages that arrived blank: she must not appear as an author of nothing.
      expect(prompt).not.toContain("alice");
    }
    for (const shown of [answer, threadAnswer]) expect(shown.split("Message Content intent")).toHaveLength(2);
    expect(logs.filter((line) => line.includes("cannot see what others write"))).toHaveLength(1);
  });
});
