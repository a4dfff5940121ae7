import { describe, expect, it } from "vitest";
import type { StoredMessage, Summarize } from "../../src/memory/memory.js";
import { addresses, asker, openTestMemory, query, say } from "./support.js";

/** A summarizer that records what it was given and answers "summary 1", "summary 2", … */
function recordingSummarizer(): { summarize: Summarize; calls: [string | null, string[]][] } {
  const calls: [string | null, string[]][] = [];
  const summarize: Summarize = async (previous, turns: StoredMessage[]) => {
    calls.push([previous, turns.map((turn) => turn.text)]);
    return `summary ${calls.length}`;
  };
  return { summarize, calls };
}

const tenTurns = Array.from({ length: 10 }, (_, turn) => `m${turn} a b c`);

describe("folding long threads into a rolling summary", () => {
  it("folds the turns that overflow the budget, oldest first, in budget-sized chunks", async () => {
    const { summarize, calls } = recordingSummarizer();
    const { memory } = openTestMemory({ summarize });
    for (const turn of tenTurns) say(memory, addresses.slackThread, turn);
    const question = say(memory, addresses.slackThread, "what next");
    expect(memory.buildContext(question, 24).foldPending).toBe(true);

    const folded = await memory.foldHistory(addresses.slackThread, 24, asker);

    expect(folded).toBe(9);
    expect(calls).toEqual([
      [null, tenTurns.slice(0, 4)],
      ["summary 1", tenTurns.slice(4, 8)],
      ["summary 2", tenTurns.slice(8, 9)],
    ]);
  });

  it("folds in chunks as large as one summarizer call takes, when that is more than the budget's share", async () => {
    const { summarize, calls } = recordingSummarizer();
    const { memory } = openTestMemory({ summarize, foldChunkTokens: 1000 });
    for (const turn of tenTurns) say(memory, addresses.slackThread, turn);
    say(memory, addresses.slackThread, "what next");

    const folded = await memory.foldHistory(addresses.slackThread, 24, asker);

    expect(folded).toBe(9);
    expect(calls).toEqual([[null, tenTurns.slice(0, 9)]]);
  });

  it("starts the next context from the stored summary, losing no turn", async () => {
    const { summarize } = recordingSummarizer();
    const { memory, path } = openTestMemory({ summarize });
    for (const turn of tenTurns) say(memory, addresses.slackThread, turn);
    const question = say(memory, addresses.slackThread, "what next");

    await memory.foldHistory(addresses.slackThread, 24, asker);
    const context = memory.buildContext(question, 24);

    expect(context).toMatchObject({ summary: "summary 3", foldPending: false });
    expect(context.turns.map((turn) => turn.text)).toEqual(["m9 a b c"]);
    expect(query(path, "SELECT text, through_message_id AS through FROM summaries")).toEqual([
      { text: "summary 3", through: question.id - 2 },
    ]);
  });

  it("does not call the summarizer when the history fits", async () => {
    const { summarize, calls } = recordingSummarizer();
    const { memory } = openTestMemory({ summarize });
    say(memory, addresses.slackThread, "short");

    expect(await memory.foldHistory(addresses.slackThread, 1000, asker)).toBe(0);
    expect(calls).toEqual([]);
  });

  it("discards a summary of turns forgotten while it was being made", async () => {
    const { memory, path } = openTestMemory({
      summarize: async () => {
        memory.forgetUser({ platform: "slack", author: "U2" });
        return "remembers what U2 said";
      },
    });
    for (const [index, turn] of tenTurns.entries()) {
      say(memory, addresses.slackThread, turn, index % 2 === 0 ? "U1" : "U2");
    }

    expect(await memory.foldHistory(addresses.slackThread, 24, asker)).toBe(0);
    expect(query(path, "SELECT * FROM summaries")).toEqual([]);
  });

  it("passes the summarizer's own failure through unchanged", async () => {
    const failure = new Error("model unavailable");
    const { memory } = openTestMemory({
      summarize: async () => {
        throw failure;
      },
    });
    for (const turn of tenTurns) say(memory, addresses.slackThread, turn);

    await expect(memory.foldHistory(addresses.slackThread, 24, asker)).rejects.toBe(failure);
  });
});
