import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { Memory } from "../../src/memory/memory.js";
import { countWords, summarizeNothing } from "../memory/support.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { channel, openServiceRig, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 1, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

/** A process that took a question `ageMs` ago and died before answering (its lease went with it). */
function diedAnswering(dataDir: string, ageMs: number): void {
  const memory = new Memory({
    path: join(dataDir, "guru.db"),
    countTokens: countWords,
    summarize: summarizeNothing,
    now: () => Date.now() - ageMs,
  });
  memory.recordInbound({
    address: channel,
    author: "U1",
    text: "What is a lease?",
    platformMessageId: "m1",
    eventId: "slack:C1:m1",
    mode: "ask",
    replyLocator: "where-the-placeholder-is",
  });
  memory.close();
}

function onlyOne<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function restartedOn(dataDir: string): ServiceRig {
  return openServiceRig(engine, { dataDir });
}

describe("questions an earlier process accepted and never answered", () => {
  it("are answered by the next process when young, and stored once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-service-"));
    diedAnswering(dataDir, 1_000);
    const rig = restartedOn(dataDir);
    const interrupted = onlyOne(rig.service.claimInterrupted("slack"));
    expect(interrupted).toMatchObject({ locator: "where-the-placeholder-is", resumed: true, mode: "ask" });
    const updates = await updatesOf(interrupted.updates);
    expect(updates.at(-1)).toMatchObject({ type: "finished", reply: { kind: "answer" } });
    expect(rig.service.claimInterrupted("slack")).toEqual([]);
    const replies = rig.service.remembered(channel)?.messages.filter((m) => m.role === "assistant");
    expect(replies?.map((m) => m.status)).toEqual(["complete"]);
    rig.close();
  });

  it("get a note to ask again when older than memory.resumeWithinMs, stored as interrupted", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-service-"));
    diedAnswering(dataDir, 10 * 60_000);
    const rig = restartedOn(dataDir);
    const interrupted = onlyOne(rig.service.claimInterrupted("slack"));
    expect(interrupted.resumed).toBe(false);
    const updates = await updatesOf(interrupted.updates);
    expect(updates).toEqual([
      {
        type: "failed",
        code: "RESTARTED",
        message: expect.stringMatching(/Please ask again/),
        partialText: "",
      },
    ]);
    expect(rig.generations).toEqual([]);
    const replies = rig.service.remembered(channel)?.messages.filter((m) => m.role === "assistant");
    expect(replies?.map((m) => [m.status, m.statusReason])).toEqual([["interrupted", "RESTARTED"]]);
    rig.close();
  });
});
