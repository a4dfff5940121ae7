import { describe, expect, it } from "vitest";
import { addresses, openTestMemory } from "./support.js";

describe("questions a dead process left unanswered", () => {
  it("are marked interrupted once older than the given age, answered ones untouched", () => {
    const { memory, clock } = openTestMemory();
    const ask = (id: string) => {
      const inbound = memory.recordInbound({
        address: addresses.slackThread,
        author: "U1",
        text: `question ${id}`,
        platformMessageId: id,
      });
      if (!inbound.isNew) throw new Error("duplicate");
      return inbound.message;
    };
    const answered = ask("m1");
    memory.recordReply({ inReplyTo: answered.id, author: "guru", text: "answer", status: "complete" });
    ask("m2");
    clock.now += 10_000;
    const recent = ask("m3");
    expect(memory.interruptUnanswered(5_000, "PROCESS_ENDED")).toBe(1);
    expect(memory.interruptUnanswered(5_000, "PROCESS_ENDED")).toBe(0);
    const messages = memory.remembered(addresses.slackThread)?.messages ?? [];
    const replies = messages.filter((m) => m.role === "assistant");
    expect(replies.map((r) => [r.status, r.text])).toEqual([
      ["complete", "answer"],
      ["interrupted", ""],
    ]);
    clock.now += 10_000;
    expect(memory.interruptUnanswered(5_000, "PROCESS_ENDED")).toBe(1);
    expect(memory.remembered(addresses.slackThread)?.messages.at(-1)).toMatchObject({
      status: "interrupted",
    });
    expect(recent.id).toBeGreaterThan(answered.id);
  });
});
