import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { channel, openServiceRig, request, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

describe("questions that arrive together", () => {
  let engine: Engine;
  let rig: ServiceRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
    rig = openServiceRig(engine);
  });

  afterAll(async () => {
    rig?.close();
    await engine?.close();
  });

  it("each reach the engine as soon as they are taken up, before the next one's work starts", async () => {
    const burst = [1, 2, 3].map((n) =>
      rig.service.handle(request(`question ${n}`, { address: { ...channel, thread: `burst-${n}` } })),
    );
    const handedOver: number[] = [];
    const first = burst.map((updates) => {
      const pulled = updates.next();
      handedOver.push(rig.generations.length);
      return pulled;
    });
    expect(handedOver).toEqual([1, 2, 3]);
    expect(rig.generations.map((generation) => generation.turns.at(-1)?.text)).toEqual([
      expect.stringContaining("question 1"),
      expect.stringContaining("question 2"),
      expect.stringContaining("question 3"),
    ]);
    await Promise.all(first);
    await Promise.all(burst.map(updatesOf));
  });
});
