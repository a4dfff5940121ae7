import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { collect, openGeneratedEngine } from "../support/engineHarness.js";

/** A small document: whole within a few dozen tokens, whatever the weights. */
const schema = {
  type: "object",
  properties: { verdict: { type: "boolean" }, word: { type: "string", maxLength: 8 } },
  required: ["verdict", "word"],
  additionalProperties: false,
} as const;

const maxTokens = 200;

describe("a JSON-constrained generation", () => {
  let engine: Engine;

  beforeAll(async () => {
    // Random weights that like to go on writing whitespace once the document is whole.
    engine = await openGeneratedEngine("small", { seed: 3 }, { contextSize: 1024, slots: 1 });
  });

  afterAll(async () => {
    await engine?.close();
  });

  it("ends at the grammar's stop trigger once the document is whole, not at the token limit", async () => {
    for (let seed = 1; seed <= 8; seed += 1) {
      const { events, error } = await collect(
        engine.generate({
          owner: "user-1",
          turns: [
            { role: "system", text: "Answer in JSON." },
            { role: "user", text: `Is run ${seed} fine?` },
          ],
          jsonSchema: schema,
          maxTokens,
          seed,
        }),
      );
      expect(error).toBeUndefined();
      const done = events.find((event) => event.type === "done");
      if (done?.type !== "done") throw new Error("no result");
      expect(done.result.stopReason, `seed ${seed}: ${JSON.stringify(done.result.text)}`).toBe("endOfText");
      expect(done.result.usage.generatedTokens).toBeLessThan(maxTokens);
      expect(JSON.parse(done.result.text)).toMatchObject({ verdict: expect.any(Boolean) });
    }
  });
});
