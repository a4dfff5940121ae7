import fc from "fast-check";
import { describe, expect, it } from "vitest";
import "../support/propertySeed.js";
import {
  cutModelAnalysisSchema,
  type ModelAnalysis,
  modelAnalysisSchema,
  recommendationKinds,
} from "../../src/service/cognitiveAnalysis.js";
import { closeJsonPrefix } from "../../src/service/jsonPrefixCloser.js";

const step = fc.constantFrom(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1);
// "binary" code points include quotes, backslashes, control characters (escaped) and emoji.
const text = (maxLength: number) => fc.string({ unit: "binary", minLength: 1, maxLength });

/** Any analysis the zod schema accepts, as the grammar would let the model write it. */
const analysis: fc.Arbitrary<ModelAnalysis> = fc.record({
  summary: text(180),
  reasoning_steps: fc.array(text(120), { minLength: 1, maxLength: 3 }),
  quantitative_insights: fc.array(text(100), { maxLength: 2 }),
  patterns: fc.array(fc.record({ name: text(32), evidence: text(100), confidence: step }), { maxLength: 2 }),
  recommendations: fc.array(fc.record({ kind: fc.constantFrom(...recommendationKinds), action: text(110) }), {
    maxLength: 3,
  }),
  self_confidence: step,
});
const indent = fc.constantFrom<string | number | undefined>(undefined, 1, 4, "\t");

/** True when `part` is what `whole` was up to some point: the same values, the last one possibly shorter. */
function isPrefixOf(part: unknown, whole: unknown): boolean {
  if (typeof part === "string") return typeof whole === "string" && whole.startsWith(part);
  if (Array.isArray(part)) {
    if (!Array.isArray(whole) || part.length > whole.length) return false;
    return part.every((item, i) =>
      i === part.length - 1 ? isPrefixOf(item, whole[i]) : JSON.stringify(item) === JSON.stringify(whole[i]),
    );
  }
  if (part !== null && typeof part === "object") {
    if (whole === null || typeof whole !== "object") return false;
    return Object.entries(part).every(([key, value]) =>
      isPrefixOf(value, (whole as Record<string, unknown>)[key]),
    );
  }
  return part === whole;
}

describe("closing JSON cut by the token limit", () => {
  it("closes any prefix of a valid analysis into one that parses, holding only what was written", () => {
    fc.assert(
      fc.property(analysis, indent, fc.nat(), (original, space, at) => {
        const written = JSON.stringify(original, null, space);
        const cut = written.slice(0, at % (written.length + 1));
        const closed = closeJsonPrefix(cut);
        if (closed.json === null) {
          expect(cut.trim()).toBe("");
          return;
        }
        const value: unknown = JSON.parse(closed.json);
        expect(cutModelAnalysisSchema.safeParse(value).success).toBe(true);
        expect(isPrefixOf(value, original)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("returns a whole document unchanged, marked complete, whatever follows it", () => {
    fc.assert(
      fc.property(analysis, indent, (original, space) => {
        const written = JSON.stringify(original, null, space);
        const closed = closeJsonPrefix(`${written}\n\n\n\n\n`);
        expect(closed).toEqual({ json: written, complete: true, openPath: [] });
        expect(modelAnalysisSchema.parse(JSON.parse(written))).toEqual(original);
      }),
    );
  });

  it("keeps a half-written string value as far as it got, never half an escape", () => {
    expect(closeJsonPrefix('{"summary":"Slow builds\\u00').json).toBe('{"summary":"Slow builds"}');
    expect(closeJsonPrefix('{"summary":"a\\').json).toBe('{"summary":"a"}');
    expect(closeJsonPrefix('{"reasoning_steps":["one", "tw').json).toBe('{"reasoning_steps":["one","tw"]}');
  });

  it("drops what cannot stand half-written: a key, a number, an object inside an array, an empty start", () => {
    expect(closeJsonPrefix('{"summary":"s","reasoning_st').json).toBe('{"summary":"s"}');
    expect(closeJsonPrefix('{"summary":"s","self_confidence": 0').json).toBe('{"summary":"s"}');
    expect(closeJsonPrefix('{"summary":"s","patterns":[{"name":"n","evidence":"e"').json).toBe(
      '{"summary":"s"}',
    );
    expect(closeJsonPrefix('{"summary":"s","reasoning_steps":[ "').json).toBe('{"summary":"s"}');
    expect(closeJsonPrefix('{"summary":"').json).toBe("{}");
    expect(closeJsonPrefix("  ").json).toBeNull();
  });

  it("says where the cut fell", () => {
    expect(closeJsonPrefix('{"summary":"s","reasoning_steps":["a","b').openPath).toEqual([
      "reasoning_steps",
      1,
    ]);
    expect(closeJsonPrefix('{"summary":"s",').openPath).toEqual([]);
  });
});
