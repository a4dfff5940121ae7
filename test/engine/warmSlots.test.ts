import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import type { ChatTurn, GenerationEvent, GenerationRequest } from "../../src/engine/generationTypes.js";
import { collect, openTinyEngine } from "../support/engineHarness.js";

function resultOf(events: GenerationEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "done") throw new Error("no result");
  return last.result;
}

function greedy(conversation: string, turns: ChatTurn[]): GenerationRequest {
  return { owner: conversation, conversation, turns, maxTokens: 20, temperature: 0 };
}

async function answer(engine: Engine, request: GenerationRequest) {
  return resultOf((await collect(engine.generate(request))).events);
}

const system: ChatTurn = { role: "system", text: "You are Guru, the team's assistant." };

describe("warm conversations", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, warmSequences: 1 });
  });

  afterAll(async () => {
    await engine.close();
  });

  it("evaluates only the new tokens of a follow-up on the conversation's own slot", async () => {
    const first: ChatTurn[] = [system, { role: "user", text: "Tell me about queues." }];
    const a = await answer(engine, greedy("warm-a", first));
    const followUp = [
      ...first,
      { role: "assistant" as const, text: a.text },
      { role: "user" as const, text: "And stacks?" },
    ];
    const b = await answer(engine, greedy("warm-a", followUp));
    expect(b.usage.cachedPromptTokens).toBeGreaterThanOrEqual(a.usage.promptTokens);
    const evaluated = b.usage.promptTokens - b.usage.cachedPromptTokens;
    expect(evaluated).toBeLessThanOrEqual(engine.countTokens("And stacks?") + a.usage.generatedTokens);
    expect(evaluated).toBeLessThan(b.usage.promptTokens / 2);
  });

  it("keeps two conversations warm at once with an extra sequence", async () => {
    const x: ChatTurn[] = [system, { role: "user", text: "First conversation." }];
    const y: ChatTurn[] = [system, { role: "user", text: "Second conversation, different words." }];
    const x1 = await answer(engine, greedy("warm-x", x));
    await answer(engine, greedy("warm-y", y));
    const x2 = await answer(
      engine,
      greedy("warm-x", [...x, { role: "assistant", text: x1.text }, { role: "user", text: "More." }]),
    );
    expect(x2.usage.cachedPromptTokens).toBeGreaterThanOrEqual(x1.usage.promptTokens);
  });

  it("reuses nothing past the first changed token when the system prompt changes", async () => {
    const turns: ChatTurn[] = [system, { role: "user", text: "Same question." }];
    await answer(engine, greedy("warm-persona", turns));
    const changed = await answer(
      engine,
      greedy("warm-persona", [{ role: "system", text: "Be terse." }, turns[1] as ChatTurn]),
    );
    expect(changed.usage.cachedPromptTokens).toBeLessThanOrEqual(2);
  });

  it("gives another conversation on a used slot exactly the answer a fresh slot gives", async () => {
    const other: ChatTurn[] = [system, { role: "user", text: "Unrelated question about databases." }];
    await answer(
      engine,
      greedy("warm-p", [system, { role: "user", text: "Private details of conversation P." }]),
    );
    await answer(
      engine,
      greedy("warm-q", [system, { role: "user", text: "Private details of conversation Q." }]),
    );
    const onUsedSlot = await answer(engine, greedy("warm-other", other));
    expect(onUsedSlot.usage.cachedPromptTokens).toBeLessThan(onUsedSlot.usage.promptTokens);
    const fresh = await openTinyEngine({ slots: 1 });
    try {
      const onFreshSlot = await answer(fresh, greedy("warm-other", other));
      expect(onFreshSlot.usage.cachedPromptTokens).toBe(0);
      expect(onUsedSlot.text).toBe(onFreshSlot.text);
    } finally {
      await fresh.close();
    }
  });
});
