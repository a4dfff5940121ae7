import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configSchema } from "../../src/config/configSchema.js";
import { analysisTokenBound, grammarBound } from "../../src/service/analysisTokenBound.js";
import { modelAnalysisJsonSchema, modelAnalysisSchema } from "../../src/service/cognitiveAnalysis.js";
import { sharedBackend } from "../support/engineHarness.js";

interface Node {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  maxItems?: number;
  maxLength?: number;
  enum?: unknown[];
}

/** The longest document the grammar allows: every string `character` × its maxLength, every list full. */
function longest(node: Node, character: string): unknown {
  if (node.enum) return node.enum[0];
  if (node.type === "string") return character.repeat(node.maxLength ?? 0);
  if (node.type === "array")
    return Array.from({ length: node.maxItems ?? 0 }, () => longest(node.items ?? {}, character));
  return Object.fromEntries(
    Object.entries(node.properties ?? {}).map(([key, value]) => [key, longest(value, character)]),
  );
}

const grammarSchema = modelAnalysisJsonSchema as Node;

describe("the analysis generation grammar", () => {
  it("is the zod schema's JSON Schema, and node-llama-cpp builds a grammar that reads its longest document", async () => {
    expect(modelAnalysisJsonSchema).toEqual(z.toJSONSchema(modelAnalysisSchema));
    const { llama } = await sharedBackend();
    // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types the schema by its literal shape.
    const grammar = await llama.createGrammarForJsonSchema(modelAnalysisJsonSchema as any);
    const document = longest(grammarSchema, "x");
    expect(grammar.parse(JSON.stringify(document))).toEqual(document);
  });

  it("bounds every string as zod does, counting characters (an emoji is one), not UTF-16 units", () => {
    expect(modelAnalysisSchema.safeParse(longest(grammarSchema, "😀")).success).toBe(true);
    const document = longest(grammarSchema, "😀") as { summary: string };
    expect(modelAnalysisSchema.safeParse({ ...document, summary: `${document.summary}x` }).success).toBe(
      false,
    );
  });

  it("fits its longest analysis in the default budget at one token per character, structure included", () => {
    const bound = grammarBound(grammarSchema);
    // Pretty-printed four spaces a level: the most whitespace the grammar allows.
    const printed = JSON.stringify(longest(grammarSchema, "x"), null, 4);
    expect(printed.length).toBeLessThanOrEqual(bound.freeCharacters + bound.structureCharacters);
    expect(analysisTokenBound(1)).toBeLessThanOrEqual(configSchema.parse({}).assistant.analysisMaxTokens);
  });
});
