import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelOptions } from "../../scripts/gguf/generateModel.js";
import type { Engine } from "../../src/engine/engine.js";
import { chat, collect, openGeneratedEngine } from "../support/engineHarness.js";

/** CJK (3 bytes each), an emoji (4 bytes), a ZWJ sequence and a combining accent, between ASCII. */
const answer = "日本語で答えます 🎉 👩‍💻 café ok";

/** Every character of `text` that needs more than one byte in UTF-8. */
function multiByteCharacters(text: string): string[] {
  return [...text].filter((character) => Buffer.byteLength(character) > 1);
}

/**
 * The models' vocabularies are byte-level BPE with no merges outside ASCII, so each of these
 * characters is generated as two to four byte tokens. The JSON-schema grammar forces the model
 * (random weights) to write exactly `answer`, one byte token at a time.
 */
describe.each<[string, ModelOptions]>([
  ["llama3 pre-tokenizer", {}],
  ["gpt-4o pre-tokenizer, another seed", { pre: "gpt-4o", seed: 5 }],
])("a character split across byte tokens (%s)", (_name, modelOptions) => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await openGeneratedEngine("tiny", modelOptions, { slots: 1 });
  });

  afterAll(async () => {
    await engine.close();
  });

  it("streams whole: no chunk holds part of a character, and the chunks join to the text", async () => {
    const { events, text, error } = await collect(
      engine.generate({ ...chat("Answer in Japanese."), maxTokens: 200, jsonSchema: { const: answer } }),
    );
    expect(error).toBeUndefined();
    const chunks = events.flatMap((event) => (event.type === "text" ? [event.delta] : []));
    const done = events.at(-1);
    if (done?.type !== "done") throw new Error("the generation did not finish");

    expect(JSON.parse(text)).toBe(answer);
    // Split across tokens indeed: more tokens than characters.
    expect(done.result.usage.generatedTokens).toBeGreaterThan([...text].length);
    for (const chunk of chunks) {
      expect(chunk).not.toContain("\uFFFD");
      expect(chunk.isWellFormed()).toBe(true);
      expect(Buffer.from(chunk, "utf8").toString("utf8")).toBe(chunk);
    }
    // Each multi-byte character arrived inside one chunk, never spread over two.
    expect(chunks.flatMap(multiByteCharacters)).toEqual(multiByteCharacters(answer));
  });
});
