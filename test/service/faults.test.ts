import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationEvent } from "../../src/engine/generationTypes.js";
import type { ReplyUpdate } from "../../src/service/replyUpdate.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { limitFileSize, startLineProcess } from "../support/fileSizeLimit.js";
import {
  channel,
  finalOf,
  openServiceRig,
  request,
  type ServiceRig,
  updatesOf,
} from "../support/serviceHarness.js";

const askingService = fileURLToPath(new URL("fixtures/askingService.ts", import.meta.url));

/** Lets a few text chunks through, then fails as a crashing model would. */
function failingMidway(failures: { remaining: number }) {
  return async function* (events: AsyncIterable<GenerationEvent>): AsyncIterable<GenerationEvent> {
    let texts = 0;
    for await (const event of events) {
      yield event;
      if (event.type === "text" && ++texts === 3 && failures.remaining > 0) {
        failures.remaining -= 1;
        throw new Error("llama_decode failed: simulated fault");
      }
    }
  };
}

describe("faults", () => {
  let engine: Engine;
  let rig: ServiceRig;
  const failures = { remaining: 0 };

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 2048 });
    rig = openServiceRig(engine, { wrapStream: failingMidway(failures) });
  });

  afterAll(async () => {
    rig.close();
    await engine.close();
  });

  it("a generation that throws midway: clear failure, partial kept and marked, slot freed, next request fine", async () => {
    const thread = { ...channel, thread: "fault-midway" };
    failures.remaining = 1;
    const failed = finalOf(await updatesOf(rig.service.handle(request("Explain", { address: thread }))));
    expect(failed).toMatchObject({ type: "failed", code: "GENERATION_FAILED" });
    expect((failed as { message: string }).message).toMatch(/try again/i);
    const reply = rig.service.remembered(thread)?.messages.find((m) => m.role === "assistant");
    expect(reply?.status).toBe("failed");
    expect(reply?.text.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(engine.stats().busy).toBe(0));
    const next = finalOf(await updatesOf(rig.service.handle(request("Again?", { address: thread }))));
    expect(next).toMatchObject({ type: "finished" });
  });

  it("a database locked by another program: a clear failure, and it works once the lock is gone", async () => {
    const other = new Database(rig.databasePath, { timeout: 0 });
    other.exec("BEGIN EXCLUSIVE");
    const thread = { ...channel, thread: "fault-locked" };
    const locked = finalOf(await updatesOf(rig.service.handle(request("Hello?", { address: thread }))));
    expect(locked).toMatchObject({ type: "failed", code: "DATABASE_FAILED" });
    expect((locked as { message: string }).message).toContain("locked by another program");
    other.exec("ROLLBACK");
    other.close();
    const retried = finalOf(await updatesOf(rig.service.handle(request("Hello?", { address: thread }))));
    expect(retried).toMatchObject({ type: "finished" });
  });

  it("a full disk (a file-size limit on the process): a clear failure, no corruption, and recovery when space returns", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-full-disk-"));
    const host = await startLineProcess(askingService, [dataDir]);
    const ask = async (text: string) =>
      JSON.parse(await host.ask(JSON.stringify({ text, thread: "fault-full" }))) as ReplyUpdate;
    let exitCode: number | null = null;
    try {
      expect(await ask("First")).toMatchObject({ type: "finished" });
      limitFileSize(host.pid, 1);
      const full = await ask("word ".repeat(300));
      expect(full).toMatchObject({ type: "failed", code: "DATABASE_FAILED" });
      expect((full as { message: string }).message).toContain("disk is full");
      limitFileSize(host.pid, "unlimited");
      expect(await ask("Space again")).toMatchObject({ type: "finished" });
    } finally {
      limitFileSize(host.pid, "unlimited");
      exitCode = await host.end();
    }
    expect(exitCode).toBe(0);
    const check = new Database(join(dataDir, "guru.db"), { readonly: true });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    const texts = check.prepare("SELECT text FROM messages WHERE role = 'user' ORDER BY id").pluck().all();
    check.close();
    // The question asked on the full disk was refused whole: nothing of it was half-stored.
    expect(texts).toEqual(["First", "Space again"]);
  }, 120_000);
});
