import { describe, expect, it } from "vitest";
import { addresses, openTestMemory, query, say } from "./support.js";

describe("storing messages", () => {
  it("stores an inbound message with its author, text, platform id, time and token count", () => {
    const { memory, clock } = openTestMemory();

    const result = memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "why is the build slow",
      platformMessageId: "1712.0005",
    });

    expect(result).toEqual({
      isNew: true,
      message: expect.objectContaining({
        role: "user",
        author: "U1",
        text: "why is the build slow",
        platformMessageId: "1712.0005",
        status: "complete",
        tokenCount: 5,
        createdAt: clock.now,
      }),
    });
  });

  it("returns the stored row for a duplicate platform message id, inserting nothing", () => {
    const { memory, path } = openTestMemory();
    const first = memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "original",
      platformMessageId: "1712.0005",
    });

    const again = memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "redelivered",
      platformMessageId: "1712.0005",
    });

    expect(again).toEqual({ isNew: false, message: first.message });
    expect(query(path, "SELECT text FROM messages")).toEqual([{ text: "original" }]);
  });

  it("treats the same platform message id in another channel as another message", () => {
    const { memory } = openTestMemory();
    const input = { author: "U1", text: "hi", platformMessageId: "1712.0005" };

    memory.recordInbound({ ...input, address: addresses.slackChannel });
    const elsewhere = memory.recordInbound({ ...input, address: addresses.slackOtherChannel });

    expect(elsewhere.isNew).toBe(true);
  });

  it("claims a platform event id once, and reports every redelivery", () => {
    const { memory } = openTestMemory();

    expect(memory.claimEvent("Ev1")).toBe(true);
    expect(memory.claimEvent("Ev1")).toBe(false);
    expect(memory.claimEvent("Ev2")).toBe(true);
  });

  it("stores nothing for a redelivered event id, returning the message it delivered", () => {
    const { memory, path } = openTestMemory();
    const first = memory.recordInbound({
      address: addresses.slackChannel,
      author: "U1",
      text: "hello",
      platformMessageId: "m1",
      eventId: "Ev1",
    });

    const redelivered = memory.recordInbound({
      address: addresses.slackChannel,
      author: "U1",
      text: "hello",
      platformMessageId: "m1",
      eventId: "Ev1",
    });

    expect(redelivered).toEqual({ isNew: false, message: first.message });
    expect(query(path, "SELECT COUNT(*) AS n FROM messages")).toEqual([{ n: 1 }]);
  });

  it("stores a finished reply against the question it answers", () => {
    const { memory } = openTestMemory();
    const question = say(memory, addresses.slackThread, "what is WAL");

    const answer = memory.recordReply({
      inReplyTo: question.id,
      author: "guru",
      text: "a write-ahead log",
      status: "complete",
    });

    expect(answer).toMatchObject({
      conversationId: question.conversationId,
      role: "assistant",
      replyTo: question.id,
      status: "complete",
      statusReason: null,
      tokenCount: 3,
    });
  });

  it("keeps a reply cut short with its partial text, marked interrupted with the reason", () => {
    const { memory, reopen } = openTestMemory();
    const question = say(memory, addresses.slackThread, "explain fts5 ranking");
    memory.recordReply({
      inReplyTo: question.id,
      author: "guru",
      text: "BM25 weighs rare",
      status: "interrupted",
      reason: "shutdown",
    });
    memory.close();

    const restarted = reopen();
    const later = say(restarted, addresses.slackThread, "go on");

    expect(restarted.remembered(addresses.slackThread)?.messages.at(1)).toMatchObject({
      text: "BM25 weighs rare",
      status: "interrupted",
      statusReason: "shutdown",
    });
    expect(restarted.buildContext(later, 100).turns).toMatchObject([
      { role: "user", author: "U1", text: "explain fts5 ranking", status: "complete", origin: "asked" },
      { role: "assistant", author: "guru", text: "BM25 weighs rare", status: "interrupted" },
    ]);
  });

  it("keeps a failed reply's partial text and reason", () => {
    const { memory } = openTestMemory();
    const question = say(memory, addresses.slackThread, "hello");

    const failed = memory.recordReply({
      inReplyTo: question.id,
      author: "guru",
      text: "",
      status: "failed",
      reason: "GENERATION_FAILED",
    });

    expect(failed).toMatchObject({ text: "", status: "failed", statusReason: "GENERATION_FAILED" });
  });

  it("does not store a reply to a question forgotten while it was generated", () => {
    const { memory, path } = openTestMemory();
    const question = say(memory, addresses.slackThread, "hello");
    memory.forgetConversation(addresses.slackThread);

    const answer = memory.recordReply({
      inReplyTo: question.id,
      author: "guru",
      text: "hi",
      status: "complete",
    });

    expect(answer).toBeNull();
    expect(query(path, "SELECT COUNT(*) AS n FROM messages")).toEqual([{ n: 0 }]);
  });
});
