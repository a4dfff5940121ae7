import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";

describe("a new answer on a slot that holds an earlier conversation", () => {
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, warmSequences: 0 });
  });

  afterAll(async () => {
    await engine.close();
  });

  it("runs while another answer keeps generating (its old history is erased in between)", async () => {
    // Both slots now hold a conversation, so the next answer on either must erase one first.
    await Promise.all([
      collect(engine.generate(chat("First", "a"))),
      collect(engine.generate(chat("Second", "b"))),
    ]);
    const stop = new AbortController();
    const endlessEvents = engine
      .generate({ ...chat("Go on", "c"), maxTokens: 1_000_000, ignoreEndOfText: true, signal: stop.signal })
      [Symbol.asyncIterator]();
    // The other answer is generating before this one arrives.
    while ((await endlessEvents.next()).value?.type !== "text") {}
    let endlessEnded = false;
    const endless = collect({ [Symbol.asyncIterator]: () => endlessEvents }).finally(() => {
      endlessEnded = true;
    });
    const { error, text } = await collect(engine.generate(chat("Quick question", "d")));
    const finishedWhileOtherRan = !endlessEnded;
    stop.abort();
    await endless;
    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    expect(finishedWhileOtherRan).toBe(true);
  });
});
