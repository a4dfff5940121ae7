import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Memory } from "../../src/memory/memory.js";
import { addresses, openTestMemory } from "./support.js";

/** Pages of 4 KiB SQLite copies back into the database file once the log holds this many, by default. */
const inlineCheckpointPages = 1000;

/** Stores questions, each in a conversation of its own: commits that write well past SQLite's checkpoint threshold. */
function fillTheLog(memory: Memory, questions = 200): void {
  for (let i = 0; i < questions; i += 1) {
    memory.recordInbound({
      address: { ...addresses.slackChannel, thread: `1712.${i}` },
      author: "U1",
      text: `question ${i} `.repeat(50),
      platformMessageId: `m${i}`,
      eventId: `e${i}`,
    });
  }
}

describe("WAL checkpoints", () => {
  it("by default, the commit that fills the log copies it back into the database file itself", () => {
    const { memory, path } = openTestMemory();
    const before = statSync(path).size;
    fillTheLog(memory);
    expect(statSync(path).size).toBeGreaterThan(before);
  });

  it("in the background, no commit copies the log back: the database file is unchanged right after", () => {
    const { memory, path } = openTestMemory({ checkpoints: "background" });
    const before = statSync(path).size;
    fillTheLog(memory);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(inlineCheckpointPages * 4096);
    expect(statSync(path).size).toBe(before);
  });

  it("in the background, the log is copied back into the database file within seconds", async () => {
    const { memory, path } = openTestMemory({ checkpoints: "background" });
    const before = statSync(path).size;
    fillTheLog(memory);
    await expect.poll(() => statSync(path).size, { timeout: 10_000, interval: 100 }).toBeGreaterThan(before);
  });

  it("in the background, a log grown past 40 MiB with the event loop busy is copied back by the commit itself", () => {
    const { memory, path } = openTestMemory({ checkpoints: "background" });
    const before = statSync(path).size;
    // One synchronous stretch: the event loop cannot ask the thread meanwhile.
    fillTheLog(memory, 1000);
    expect(statSync(path).size).toBeGreaterThan(before);
  });

  it("in the background, everything stored is read back after a restart", () => {
    const { memory, reopen } = openTestMemory({ checkpoints: "background" });
    fillTheLog(memory);
    const stored = memory.conversationSizes().length;
    memory.close();
    expect(reopen({}).conversationSizes()).toHaveLength(stored);
  });
});
