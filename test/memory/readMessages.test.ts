import { describe, expect, it } from "vitest";
import type { ReadMessageInput } from "../../src/memory/memory.js";
import { addresses, openTestMemory } from "./support.js";

function readMessage(platformMessageId: string, text: string, author = "U2"): ReadMessageInput {
  return { author, authorKind: "person", text, platformMessageId, documents: [] };
}

describe("messages read around a question", () => {
  it("are stored once each, before the question, and tell a front where to read on", () => {
    const { memory } = openTestMemory();
    memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "what do you make of this?",
      platformMessageId: "1712.0003",
      read: [readMessage("1712.0001", "root"), readMessage("1712.0002", "reply")],
    });
    memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "and now?",
      platformMessageId: "1712.0005",
      read: [readMessage("1712.0002", "reply"), readMessage("1712.0004", "new")],
    });

    const stored = memory.remembered(addresses.slackThread)?.messages ?? [];
    expect(stored.map((m) => [m.origin, m.platformMessageId])).toEqual([
      ["read", "1712.0001"],
      ["read", "1712.0002"],
      ["asked", "1712.0003"],
      ["read", "1712.0004"],
      ["asked", "1712.0005"],
    ]);
    expect(memory.lastPlatformMessageId(addresses.slackThread)).toBe("1712.0005");
  });

  it("are never taken for unanswered questions", () => {
    const { memory, clock } = openTestMemory();
    memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "question",
      platformMessageId: "1712.0002",
      read: [readMessage("1712.0001", "context")],
    });
    clock.now += 60_000;

    expect(memory.interruptUnanswered(1000, "PROCESS_ENDED")).toBe(1);
  });

  it("become a question when the same message later arrives as one (a thread Guru follows)", () => {
    const { memory } = openTestMemory();
    memory.recordInbound({
      address: addresses.slackThread,
      author: "U1",
      text: "first",
      platformMessageId: "1712.0002",
      read: [readMessage("1712.0001", "bob's follow-up", "U2")],
    });
    const asked = memory.recordInbound({
      address: addresses.slackThread,
      author: "U2",
      text: "bob's follow-up",
      platformMessageId: "1712.0001",
      eventId: "slack:C1:1712.0001",
    });

    expect(asked.isNew).toBe(true);
    expect(asked.message).toMatchObject({ origin: "asked", authorKind: null, text: "bob's follow-up" });
    const again = memory.recordInbound({
      address: addresses.slackThread,
      author: "U2",
      text: "bob's follow-up",
      platformMessageId: "1712.0001",
    });
    expect(again.isNew).toBe(false);
  });
});
