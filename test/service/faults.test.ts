import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationEvent } from "../../src/engine/generationTypes.js";
import { openTinyEngine } from "../support/engineHarness.js";
import {
  channel,
  finalOf,
  openServiceRig,
  request,
  type ServiceRig,
  updatesOf,
} from "../support/serviceHarness.js";
import { canMountTmpfs, mountSmallDisk } from "../support/smallDisk.js";

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

  it.skipIf(!canMountTmpfs())(
    "a full disk: a clear failure, no corruption, and recovery when space returns",
    async () => {
      const disk = mountSmallDisk();
      const fullRig = openServiceRig(engine, { dataDir: disk.path });
      try {
        const thread = { ...channel, thread: "fault-full" };
        expect(
          finalOf(await updatesOf(fullRig.service.handle(request("First", { address: thread })))),
        ).toMatchObject({
          type: "finished",
        });
        disk.fill();
        const full = finalOf(
          await updatesOf(fullRig.service.handle(request("word ".repeat(300), { address: thread }))),
        );
        expect(full).toMatchObject({ type: "failed", code: "DATABASE_FAILED" });
        expect((full as { message: string }).message).toContain("disk is full");
        disk.free();
        const after = finalOf(
          await updatesOf(fullRig.service.handle(request("Space again", { address: thread }))),
        );
        expect(after).toMatchObject({ type: "finished" });
        const check = new Database(fullRig.databasePath, { readonly: true });
        expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
        check.close();
      } finally {
        fullRig.close();
        disk.unmount();
      }
    },
  );
});
