import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analysisEmbed, confidenceColour, embedLimits } from "../../src/bots/discord/analysisEmbed.js";
import {
  type CognitiveAnalysis,
  confidenceMethod,
  confidenceMethodWithoutTokens,
  recommendationKinds,
} from "../../src/service/cognitiveAnalysis.js";

const unit = fc.double({ min: 0, max: 1, noNaN: true });
/** Texts from empty to far past every limit, emoji (surrogate pairs) included. */
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 3000 }));

const analyses: fc.Arbitrary<CognitiveAnalysis> = fc.record({
  schemaVersion: fc.constant(1 as const),
  summary: anyText,
  reasoningSteps: fc.array(anyText, { maxLength: 8 }),
  quantitativeInsights: fc.array(anyText, { maxLength: 5 }),
  patterns: fc.array(fc.record({ name: anyText, evidence: anyText, confidence: unit }), { maxLength: 40 }),
  recommendations: fc.array(fc.record({ kind: fc.constantFrom(...recommendationKinds), action: anyText }), {
    maxLength: 8,
  }),
  confidence: fc.record({
    overall: unit,
    method: fc.constant(confidenceMethod),
    tokenProbability: unit,
    selfAssessment: unit,
    completeness: unit,
    freeTokens: fc.nat(),
  }),
});

function isLoneSurrogateEnd(text: string): boolean {
  const last = text.charCodeAt(text.length - 2);
  return text.endsWith("…") && last >= 0xd800 && last <= 0xdbff;
}

describe("the analysis embed", () => {
  it("always fits Discord's embed limits, with no blank field and no half emoji", () => {
    fc.assert(
      fc.property(analyses, anyText, (analysis, question) => {
        const embed = analysisEmbed(analysis, question);
        const fields = embed.fields ?? [];
        expect(embed.title?.length ?? 0).toBeLessThanOrEqual(embedLimits.title);
        expect(embed.description?.length ?? 0).toBeLessThanOrEqual(embedLimits.description);
        expect(fields.length).toBeLessThanOrEqual(embedLimits.fields);
        for (const field of fields) {
          expect(field.name.trim().length).toBeGreaterThan(0);
          expect(field.value.trim().length).toBeGreaterThan(0);
          expect(field.name.length).toBeLessThanOrEqual(embedLimits.fieldName);
          expect(field.value.length).toBeLessThanOrEqual(embedLimits.fieldValue);
          expect(isLoneSurrogateEnd(field.value)).toBe(false);
        }
        const total =
          (embed.title ?? "").length +
          (embed.description ?? "").length +
          (embed.footer?.text ?? "").length +
          fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
        expect(total).toBeLessThanOrEqual(embedLimits.total);
        expect(embed.footer?.text).toMatch(/^Confidence \d+%/);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a typical analysis whole: summary, sections in order, a field per pattern with its confidence", () => {
    const analysis: CognitiveAnalysis = {
      schemaVersion: 1,
      summary: "The build is slow because tests run serially.",
      reasoningSteps: ["Timed each stage.", "Tests take 80% of the time."],
      quantitativeInsights: ["12 of 15 minutes are tests"],
      patterns: [{ name: "Serial tests", evidence: "One worker in CI", confidence: 0.8 }],
      recommendations: [{ kind: "practical", action: "Run tests on four workers." }],
      confidence: {
        overall: 0.62,
        method: confidenceMethod,
        tokenProbability: 0.7,
        selfAssessment: 0.6,
        completeness: 1,
        freeTokens: 40,
      },
    };
    const embed = analysisEmbed(analysis, "Why is the build slow?");
    expect(embed).toEqual({
      title: "Analysis: Why is the build slow?",
      description: analysis.summary,
      color: confidenceColour(0.62),
      fields: [
        { name: "Reasoning", value: "1. Timed each stage.\n2. Tests take 80% of the time." },
        { name: "Numbers", value: "• 12 of 15 minutes are tests" },
        { name: "Pattern: Serial tests — 80%", value: "One worker in CI" },
        { name: "Recommendations", value: "• **practical** — Run tests on four workers." },
      ],
      footer: { text: "Confidence 62% — token probability 70%, self-assessed 60%, completeness 100%" },
    });
  });

  it("names the engine in the footer when it gave no token probabilities", () => {
    const analysis: CognitiveAnalysis = {
      schemaVersion: 1,
      summary: "The build is slow.",
      reasoningSteps: ["Timed each stage."],
      quantitativeInsights: [],
      patterns: [],
      recommendations: [],
      confidence: {
        overall: 0.5,
        method: confidenceMethodWithoutTokens,
        selfAssessment: 0.6,
        completeness: 0.25,
        freeTokens: 0,
        probabilities: { engine: "openai", kind: "none" },
      },
    };
    expect(analysisEmbed(analysis, "Why?").footer?.text).toBe(
      "Confidence 50% — no token probabilities from the OpenAI-compatible server, self-assessed 60%, completeness 25%",
    );
  });

  it("says in the footer when the length limit cut the analysis, and what it left out", () => {
    const cut: CognitiveAnalysis = {
      schemaVersion: 1,
      summary: "The build is slow.",
      reasoningSteps: ["Timed each st"],
      quantitativeInsights: [],
      patterns: [],
      recommendations: [],
      confidence: {
        overall: 0.3,
        method: confidenceMethod,
        tokenProbability: 0.5,
        selfAssessment: 0,
        completeness: 0,
        freeTokens: 20,
      },
      incomplete: {
        reason: "lengthLimit",
        missingSections: [
          "reasoningSteps",
          "quantitativeInsights",
          "patterns",
          "recommendations",
          "selfAssessment",
        ],
      },
    };
    expect(analysisEmbed(cut, "Why?").footer?.text).toBe(
      "Incomplete: cut by the analysis length limit (missing or unfinished: reasoning, quantitative insights, patterns, recommendations, self-assessment).\n" +
        "Confidence 30% — token probability 50%, self-assessed 0%, completeness 0%",
    );
  });

  it("is green when sure, yellow when fair, red when shaky", () => {
    expect(confidenceColour(0.9)).toBe(0x57f287);
    expect(confidenceColour(0.75)).toBe(0x57f287);
    expect(confidenceColour(0.6)).toBe(0xfee75c);
    expect(confidenceColour(0.49)).toBe(0xed4245);
  });
});
