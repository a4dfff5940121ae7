import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import type { GenerationEvent } from "../../src/engine/generationTypes.js";
import { GuruError } from "../../src/errors.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";

function done(events: GenerationEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "done") throw new Error(`expected a done event, got ${JSON.stringify(last)}`);
  return last.result;
}

/** A request that keeps generating until stopped from outside. */
function endless(owner = "user-1") {
  return { ...chat("Tell me everything.", owner), maxTokens: 100_000, ignoreEndOfText: true };
}

async function firstText(events: AsyncIterable<GenerationEvent>): Promise<AsyncIterator<GenerationEvent>> {
  const iterator = events[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) throw new Error("stream ended before any text");
    if (next.value.type === "text") return iterator;
  }
}

async function rest(iterator: AsyncIterator<GenerationEvent>) {
  return collect({ [Symbol.asyncIterator]: () => iterator });
}

describe("EmbeddedEngine on the generated tiny Phi-4-shaped model", () => {
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2 });
  });

  afterAll(async () => {
    await engine.close();
  });

  it("uses the chat template embedded in the GGUF", () => {
    expect(engine.chatWrapperName).toBe("JinjaTemplate");
  });

  it("streams text chunks that join to the final answer, and reports usage", async () => {
    const { events, text, error } = await collect(engine.generate(chat("Hello")));
    expect(error).toBeUndefined();
    expect(events[0]).toMatchObject({ type: "started" });
    const result = done(events);
    expect(result.text).toBe(text);
    expect(result.usage.promptTokens).toBeGreaterThan(5);
    expect(result.usage.generatedTokens).toBe(result.tokenConfidences.length);
    expect(result.usage.generatedTokens).toBeGreaterThan(0);
    expect(result.usage.generatedTokens).toBeLessThanOrEqual(24);
    expect(result.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it("stops at maxTokens when told to run through end-of-text", async () => {
    const { events } = await collect(
      engine.generate({ ...chat("Count"), maxTokens: 40, ignoreEndOfText: true }),
    );
    const result = done(events);
    expect(result.usage.generatedTokens).toBe(40);
    expect(result.stopReason).toBe("maxTokens");
  });

  it("runs N concurrent generations, never more than the slots at once", async () => {
    let running = 0;
    let peak = 0;
    const runs = Array.from({ length: 5 }, async (_, i) => {
      const events: GenerationEvent[] = [];
      for await (const event of engine.generate({
        ...chat(`Question ${i}`, `user-${i}`),
        maxTokens: 30,
        ignoreEndOfText: true,
      })) {
        events.push(event);
        if (event.type === "started") peak = Math.max(peak, ++running);
        if (event.type === "done") running -= 1;
      }
      return done(events);
    });
    const results = await Promise.all(runs);
    expect(results.map((r) => r.usage.generatedTokens)).toEqual([30, 30, 30, 30, 30]);
    expect(peak).toBe(2);
    expect(engine.stats()).toMatchObject({ busy: 0, waiting: 0, slots: 2 });
  });

  it("reports the queue position of a waiting request", async () => {
    // All three arrive in one turn, so the first two hold both slots however fast they answer.
    const holders = [engine.generate(endless("a")), engine.generate(endless("b"))];
    const cancel = new AbortController();
    const waiting = engine.generate({ ...chat("me too", "c"), signal: cancel.signal });
    expect(engine.stats()).toMatchObject({ busy: 2, waiting: 1 });
    const iterator = waiting[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: "queued", position: 1 });
    cancel.abort();
    await expect(rest(iterator)).resolves.toMatchObject({ error: { code: "CANCELLED" } });
    for (const holder of holders) await holder[Symbol.asyncIterator]().return?.();
  });

  it("cancels while generating, keeps the partial text streamed so far, and frees the slot", async () => {
    const cancel = new AbortController();
    const iterator = await firstText(engine.generate({ ...endless(), signal: cancel.signal }));
    cancel.abort();
    const { error } = await rest(iterator);
    expect(error).toMatchObject({ code: "CANCELLED" });
    const next = await collect(engine.generate(chat("still there?")));
    expect(next.error).toBeUndefined();
    expect(engine.stats().busy).toBe(0);
  });

  it("times out a generation that runs too long", async () => {
    const { error } = await collect(engine.generate({ ...endless(), timeoutMs: 150 }));
    expect(error).toBeInstanceOf(GuruError);
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(engine.stats().busy).toBe(0);
  });

  it("reuses a conversation's cached prompt on its next turn", async () => {
    const first = chat("What is a slot?", "warm-user");
    const a = done((await collect(engine.generate({ ...first, conversation: "c-warm" }))).events);
    const followUp = {
      ...first,
      turns: [
        ...first.turns,
        { role: "assistant" as const, text: a.text },
        { role: "user" as const, text: "And a queue?" },
      ],
      conversation: "c-warm",
    };
    const b = done((await collect(engine.generate(followUp))).events);
    expect(b.usage.cachedPromptTokens).toBeGreaterThan(first.turns[1]?.text.length ?? 0);
    expect(b.usage.cachedPromptTokens).toBeLessThan(b.usage.promptTokens);
  });
});

describe("EmbeddedEngine queue limits and shutdown", () => {
  it("refuses at once when the waiting line is full", async () => {
    const engine = await openTinyEngine({ slots: 1, maxWaiting: 1 });
    const holder = await firstText(engine.generate(endless("a")));
    const cancel = new AbortController();
    const waiting = engine.generate({ ...chat("wait", "b"), signal: cancel.signal })[Symbol.asyncIterator]();
    expect((await waiting.next()).value).toEqual({ type: "queued", position: 1 });
    const refused = await collect(engine.generate(chat("refuse me", "c")));
    expect(refused.error).toMatchObject({ code: "QUEUE_FULL" });
    expect(refused.events).toEqual([]);
    cancel.abort();
    await holder.return?.();
    await engine.close();
  });

  it("drains: running generations finish within the grace period, new ones are refused", async () => {
    const engine = await openTinyEngine({ slots: 1 });
    const running = collect(engine.generate({ ...chat("finish me"), maxTokens: 20, ignoreEndOfText: true }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await engine.drain(5_000);
    expect(done((await running).events).usage.generatedTokens).toBe(20);
    const late = await collect(engine.generate(chat("too late")));
    expect(late.error).toMatchObject({ code: "SHUTTING_DOWN" });
    await engine.close();
  });

  it("drains: generations still running after the grace period are cancelled as shutdown", async () => {
    const engine = await openTinyEngine({ slots: 1 });
    const iterator = await firstText(engine.generate(endless()));
    await engine.drain(50);
    const { error } = await rest(iterator);
    expect(error).toMatchObject({ code: "SHUTTING_DOWN" });
    expect(engine.stats().busy).toBe(0);
    await engine.close();
  });
});

describe("EmbeddedEngine event streams", () => {
  it("stop the generation and free the slot when the reader stops reading", async () => {
    const engine = await openTinyEngine({ slots: 1 });
    for await (const event of engine.generate(endless())) {
      if (event.type === "text") break;
    }
    await expect(collect(engine.generate(chat("next")))).resolves.toMatchObject({ error: undefined });
    expect(engine.stats().busy).toBe(0);
    await engine.close();
  });
});
