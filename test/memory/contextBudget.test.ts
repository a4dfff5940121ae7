import { describe, expect, it } from "vitest";
import type { Context } from "../../src/memory/memory.js";
import { addresses, analyze, countWords, openTestMemory, say } from "./support.js";

function tokensIn(context: Context): number {
  return (
    countWords(context.summary ?? "") +
    context.turns.reduce((sum, turn) => sum + countWords(turn.text), 0) +
    context.analyses.reduce((sum, analysis) => sum + countWords(analysis.summary), 0)
  );
}

describe("the context budget", () => {
  it("keeps the newest turns that fit, ordered oldest to newest", () => {
    const { memory } = openTestMemory();
    for (const turn of ["one a b c", "two a b c", "three a b c", "four a b c", "five a b c"]) {
      say(memory, addresses.slackThread, turn);
    }
    const question = say(memory, addresses.slackThread, "and then?");

    const context = memory.buildContext(question, 9);

    expect(context.turns.map((turn) => turn.text)).toEqual(["four a b c", "five a b c"]);
    expect(context.tokensUsed).toBe(8);
    expect(context.foldPending).toBe(true);
  });

  it("leaves out the question itself and anything said after it", () => {
    const { memory } = openTestMemory();
    say(memory, addresses.slackThread, "before");
    const question = say(memory, addresses.slackThread, "the question");
    say(memory, addresses.slackThread, "after");

    expect(memory.buildContext(question, 100).turns.map((turn) => turn.text)).toEqual(["before"]);
  });

  it("gives analyses at most a third of the budget and the history the rest", () => {
    const { memory } = openTestMemory();
    for (const label of ["redis one two three", "redis four five six", "redis seven eight nine"]) {
      analyze(memory, say(memory, addresses.slackChannel, "q"), label);
    }
    for (let turn = 0; turn < 10; turn++) say(memory, addresses.slackThread, `turn ${turn} a b c`);
    const question = say(memory, addresses.slackThread, "redis");

    const context = memory.buildContext(question, 30);

    expect(context.analyses).toHaveLength(2);
    expect(context.turns).toHaveLength(4);
    expect(context.tokensUsed).toBe(28);
    expect(tokensIn(context)).toBe(context.tokensUsed);
  });

  it("gives the history the analyses' share when no analysis is relevant", () => {
    const { memory } = openTestMemory();
    for (let turn = 0; turn < 10; turn++) say(memory, addresses.slackThread, `turn ${turn} a b c`);
    const question = say(memory, addresses.slackThread, "unrelated");

    expect(memory.buildContext(question, 30).turns).toHaveLength(6);
  });

  it("never exceeds the budget, whatever its size", () => {
    const { memory } = openTestMemory();
    for (let turn = 0; turn < 30; turn++) {
      const message = say(memory, addresses.slackThread, `deploy step ${"x ".repeat(turn % 7)}`);
      if (turn % 3 === 0) analyze(memory, message, `deploy note ${turn}`, `deploy ${"y ".repeat(turn % 5)}`);
    }
    const question = say(memory, addresses.slackThread, "deploy");

    for (const budget of [0, 1, 5, 17, 40, 100, 1000]) {
      const context = memory.buildContext(question, budget);
      expect(context.tokensUsed).toBeLessThanOrEqual(budget);
      expect(tokensIn(context)).toBe(context.tokensUsed);
    }
  });
});
