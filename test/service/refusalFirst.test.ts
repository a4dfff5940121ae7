import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";
import {
  channel,
  finalOf,
  openServiceRig,
  request,
  type ServiceRig,
  updatesOf,
} from "../support/serviceHarness.js";

describe("a question that comes while Guru's line is full", () => {
  let engine: Engine;
  let rig: ServiceRig;
  let occupant: AbortController;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 4096, maxWaiting: 0 });
    rig = openServiceRig(engine);
  });

  afterAll(async () => {
    rig?.close();
    await engine?.close();
  });

  /** Takes the only slot at once (a request takes it when made), for as long as the test runs. */
  function occupy(): void {
    occupant = new AbortController();
    void collect(
      engine.generate({
        ...chat("occupy", "someone-else"),
        maxTokens: 100_000,
        ignoreEndOfText: true,
        signal: occupant.signal,
      }),
    );
  }

  afterEach(() => occupant.abort());

  it("is refused at once, with nothing of it stored and nothing sent to the model", async () => {
    occupy();
    const updates = await updatesOf(rig.service.handle(request("are you there?")));
    expect(finalOf(updates)).toMatchObject({ type: "failed", code: "QUEUE_FULL" });
    expect(rig.generations).toEqual([]);
    expect(rig.service.remembered(channel)).toBeNull();
  });

  it("is refused once: the same event delivered again is a duplicate", async () => {
    occupy();
    const asked = request("and now?");
    const first = await updatesOf(rig.service.handle(asked));
    const again = await updatesOf(rig.service.handle(asked));
    expect(finalOf(first)).toMatchObject({ type: "failed", code: "QUEUE_FULL" });
    expect(again).toEqual([{ type: "duplicate" }]);
  });
});
