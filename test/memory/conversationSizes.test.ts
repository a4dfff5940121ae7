import { describe, expect, it } from "vitest";
import { conversationKey } from "../../src/conversation/conversationAddress.js";
import { addresses, analyze, openTestMemory, reply, say } from "./support.js";

describe("the conversations memory keeps, with their sizes", () => {
  it("lists every conversation by platform and channel, with its messages, analyses and tokens", () => {
    const { memory, clock } = openTestMemory();
    const question = say(memory, addresses.slackThread, "why is the build slow");
    reply(memory, question, "the cache misses");
    analyze(memory, question, "cache key changes");
    clock.now += 60_000;
    say(memory, addresses.discordChannel, "hello there");

    expect(memory.conversationSizes()).toEqual([
      {
        key: conversationKey(addresses.discordChannel),
        platform: "discord",
        space: "G1",
        channel: "C1",
        thread: null,
        messages: 1,
        analyses: 0,
        tokens: 2,
        lastActivityAt: clock.now,
      },
      {
        key: conversationKey(addresses.slackThread),
        platform: "slack",
        space: "T1",
        channel: "C1",
        thread: "1712.0001",
        messages: 2,
        analyses: 1,
        tokens: expect.any(Number),
        lastActivityAt: clock.now - 60_000,
      },
    ]);
  });

  it("no longer lists a forgotten conversation", () => {
    const { memory } = openTestMemory();
    say(memory, addresses.slackThread, "forget me");
    say(memory, addresses.slackOtherThread, "keep me");

    memory.forgetConversation(addresses.slackThread);

    expect(memory.conversationSizes().map((size) => size.thread)).toEqual(["1712.0002"]);
  });
});
