import { modelAnalysisJsonSchema } from "./cognitiveAnalysis.js";

/** The longest analysis the generation grammar allows, in characters. */
export interface GrammarBound {
  /** Characters the model chooses: the text inside strings. */
  readonly freeCharacters: number;
  /** Keys, quotes, brackets, commas, enumerated values and the most whitespace allowed. */
  readonly structureCharacters: number;
}

interface SchemaNode {
  readonly type?: string;
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly maxItems?: number;
  readonly maxLength?: number;
  readonly enum?: readonly unknown[];
}

/**
 * node-llama-cpp's grammar allows, between any two tokens of structure, either one space or a
 * newline indented by four spaces per level of nesting.
 */
const whitespace = (depth: number): number => 1 + 4 * depth;

/** node-llama-cpp's JSON grammar ends a document with four newlines before it allows the end. */
const documentEndNewlines = 4;

/** Walks a JSON schema as node-llama-cpp turns it into a grammar; every repeat must be bounded. */
export function grammarBound(schema: SchemaNode, depth = 0): GrammarBound {
  if (schema.enum) {
    const longest = Math.max(...schema.enum.map((value) => JSON.stringify(value).length));
    return { freeCharacters: 0, structureCharacters: longest };
  }
  if (schema.type === "string") {
    if (schema.maxLength === undefined) throw new Error("an unbounded string has no longest form");
    return { freeCharacters: schema.maxLength, structureCharacters: 2 };
  }
  if (schema.type === "object") {
    const fields = Object.entries(schema.properties ?? {}).map(([key, value]) => {
      const inner = grammarBound(value, depth + 1);
      // Newline and indent (or a comma and one), the key, a colon and a space, the value.
      const overhead = 1 + whitespace(depth + 1) + JSON.stringify(key).length + 2;
      return { ...inner, structureCharacters: inner.structureCharacters + overhead };
    });
    return container(fields, whitespace(depth));
  }
  if (schema.type === "array") {
    if (schema.maxItems === undefined || !schema.items)
      throw new Error("an unbounded array has no longest form");
    const item = grammarBound(schema.items, depth + 1);
    const slot = { ...item, structureCharacters: item.structureCharacters + 1 + whitespace(depth + 1) };
    return container(
      Array.from({ length: schema.maxItems }, () => slot),
      whitespace(depth),
    );
  }
  throw new Error(`no bound for a schema of type ${String(schema.type)}`);
}

/** Both brackets, the whitespace before the closing one, and every member. */
function container(members: readonly GrammarBound[], closingWhitespace: number): GrammarBound {
  return members.reduce<GrammarBound>(
    (sum, member) => ({
      freeCharacters: sum.freeCharacters + member.freeCharacters,
      structureCharacters: sum.structureCharacters + member.structureCharacters,
    }),
    { freeCharacters: 0, structureCharacters: 2 + closingWhitespace },
  );
}

/**
 * The most tokens the longest analysis can take when the tokenizer spends `tokensPerCharacter`
 * on each character the model writes and one on each character of structure (the byte-level
 * worst case: whitespace, keys and brackets with no merges at all).
 */
export function analysisTokenBound(tokensPerCharacter: number): number {
  const bound = grammarBound(modelAnalysisJsonSchema as SchemaNode);
  return (
    bound.structureCharacters + documentEndNewlines + Math.ceil(bound.freeCharacters * tokensPerCharacter)
  );
}
