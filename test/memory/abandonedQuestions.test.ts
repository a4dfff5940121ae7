import { describe, expect, it } from "vitest";
import type { Memory } from "../../src/memory/memory.js";
import { leaseTtlMs } from "../../src/memory/processLease.js";
import { addresses, openTestMemory, query } from "./support.js";

let ids = 0;

function ask(memory: Memory, locator?: string) {
  ids += 1;
  const inbound = memory.recordInbound({
    address: addresses.slackThread,
    author: "U1",
    text: `question ${ids}`,
    platformMessageId: `m${ids}`,
    eventId: `event:${ids}`,
    mode: "ask",
    ...(locator ? { replyLocator: locator } : {}),
  });
  if (!inbound.isNew) throw new Error("duplicate");
  return inbound.message;
}

/**
 * Processes are Memory instances on one file, each with its own clock: one whose clock stands
 * still stops renewing its lease, as a killed process does.
 */
function processes() {
  const first = openTestMemory();
  const later = { now: first.clock.now + leaseTtlMs + 1_000 };
  return {
    path: first.path,
    killed: first.memory,
    open: () => first.reopen({ now: () => later.now }),
  };
}

describe("questions a dead process accepted and never answered", () => {
  it("are taken over by exactly one of two live processes, with their locator", () => {
    const { killed, open } = processes();
    const question = ask(killed, "place-1");
    const one = open();
    const two = open();
    const claimed = [...one.claimOrphans("slack"), ...two.claimOrphans("slack")];
    expect(claimed.map((c) => [c.question.id, c.locator, c.mode])).toEqual([[question.id, "place-1", "ask"]]);
    expect(claimed[0]?.address).toEqual(addresses.slackThread);
    expect(one.claimOrphans("slack")).toEqual([]);
  });

  it("are never taken from a live process", () => {
    const { path, reopen, memory: live } = openTestMemory();
    ask(live, "place-1");
    const other = reopen();
    expect(other.claimOrphans("slack")).toEqual([]);
    expect(query(path, "SELECT COUNT(*) AS n FROM pending_replies")).toEqual([{ n: 1 }]);
  });

  it("are taken over again when the process that took them over dies in turn", () => {
    const { killed, open } = processes();
    const question = ask(killed, "place-1");
    const taker = open();
    expect(taker.claimOrphans("slack")).toHaveLength(1);
    taker.close();
    expect(
      open()
        .claimOrphans("slack")
        .map((c) => c.question.id),
    ).toEqual([question.id]);
  });

  it("are kept for their platform's front: another platform takes none", () => {
    const { killed, open } = processes();
    ask(killed, "place-1");
    const next = open();
    expect(next.claimOrphans("discord")).toEqual([]);
    expect(next.claimOrphans("slack")).toHaveLength(1);
  });

  it("show where the front last said: a locator noted after the placeholder replaces the first", () => {
    const { killed, open } = processes();
    ask(killed, "place-1");
    expect(killed.locateReply(`event:${ids}`, "place-1+placeholder")).toBe(true);
    expect(
      open()
        .claimOrphans("slack")
        .map((c) => c.locator),
    ).toEqual(["place-1+placeholder"]);
  });

  it("that show nowhere (a terminal, an MCP call) are marked interrupted once their process is dead", () => {
    const { killed, open } = processes();
    const placed = ask(killed, "place-1");
    const unplaced = ask(killed);
    expect(killed.interruptUnplacedOrphans("PROCESS_ENDED")).toBe(0);
    const next = open();
    expect(next.interruptUnplacedOrphans("PROCESS_ENDED")).toBe(1);
    expect(next.interruptUnplacedOrphans("PROCESS_ENDED")).toBe(0);
    const replies = next.remembered(addresses.slackThread)?.messages.filter((m) => m.role === "assistant");
    expect(replies?.map((r) => [r.replyTo, r.status, r.statusReason])).toEqual([
      [unplaced.id, "interrupted", "PROCESS_ENDED"],
    ]);
    expect(next.claimOrphans("slack").map((c) => c.question.id)).toEqual([placed.id]);
  });

  it("are settled by their reply: an answered question is nobody's orphan", () => {
    const { killed, open } = processes();
    const question = ask(killed, "place-1");
    killed.recordReply({ inReplyTo: question.id, author: "guru", text: "answer", status: "complete" });
    expect(open().claimOrphans("slack")).toEqual([]);
  });
});

describe("one reply per question", () => {
  it("keeps the first reply; a second is not stored", () => {
    const { memory, path } = openTestMemory();
    const question = ask(memory);
    const first = memory.recordReply({
      inReplyTo: question.id,
      author: "guru",
      text: "one",
      status: "complete",
    });
    const second = memory.recordReply({
      inReplyTo: question.id,
      author: "guru",
      text: "two",
      status: "complete",
    });
    expect(first?.text).toBe("one");
    expect(second).toBeNull();
    expect(query(path, "SELECT text FROM messages WHERE reply_to = ?", question.id)).toEqual([
      { text: "one" },
    ]);
  });

  it("is enforced by the database itself", () => {
    const { memory, path } = openTestMemory();
    const question = ask(memory);
    memory.recordReply({ inReplyTo: question.id, author: "guru", text: "one", status: "complete" });
    expect(() =>
      query(
        path,
        `INSERT INTO messages (conversation_id, scope_id, role, author, text, reply_to, status, token_count, created_at)
         SELECT conversation_id, scope_id, 'assistant', 'guru', 'two', id, 'complete', 1, 0 FROM messages WHERE id = ?
         RETURNING id`,
        question.id,
      ),
    ).toThrow(/UNIQUE/);
  });
});
