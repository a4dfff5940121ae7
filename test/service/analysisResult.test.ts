import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { GenerationResult } from "../../src/engine/generationTypes.js";
import { isGuruError } from "../../src/errors.js";
import { analysisFromGeneration } from "../../src/service/analysisResult.js";
import { publishedAnalysisSchemaPath } from "../../src/service/publishedSchema.js";

const whole = JSON.stringify({
  summary: "Builds are slow because the cache is cold.",
  reasoning_steps: ["Cache misses on every CI run", "Tests run twice"],
  quantitative_insights: ["70% of build time is compilation"],
  patterns: [{ name: "Cold cache", evidence: "No cache key in CI", confidence: 0.8 }],
  recommendations: [{ kind: "practical", action: "Key the cache on the lockfile" }],
  self_confidence: 0.7,
});

function generated(
  text: string,
  stopReason: GenerationResult["stopReason"],
  probabilities: GenerationResult["probabilities"] = { engine: "node-llama-cpp", kind: "sampled" },
): GenerationResult {
  const tokens = Math.max(1, Math.ceil(text.length / 4));
  return {
    text,
    stopReason,
    tokenConfidences: probabilities.kind === "none" ? [] : Array.from({ length: tokens }, () => 0.5),
    probabilities,
    usage: {
      promptTokens: 10,
      cachedPromptTokens: 0,
      generatedTokens: tokens,
      queueMs: 0,
      timeToFirstTokenMs: 1,
      totalMs: 2,
      tokensPerSecond: 100,
    },
  };
}

const validate = new Ajv2020({ strict: false }).compile(
  JSON.parse(readFileSync(publishedAnalysisSchemaPath, "utf8")),
);

describe("an analysis cut by its token limit", () => {
  it("keeps what was written, says what is missing, and counts only finished sections", () => {
    const cut = whole.slice(0, whole.indexOf("Tests run") + "Tests run".length);
    const { analysis, markdown } = analysisFromGeneration(generated(cut, "maxTokens"));
    expect(analysis.summary).toBe("Builds are slow because the cache is cold.");
    expect(analysis.reasoningSteps).toEqual(["Cache misses on every CI run", "Tests run"]);
    expect(analysis.incomplete).toEqual({
      reason: "lengthLimit",
      missingSections: [
        "reasoningSteps",
        "quantitativeInsights",
        "patterns",
        "recommendations",
        "selfAssessment",
      ],
    });
    expect(analysis.confidence.completeness).toBe(0);
    expect(analysis.confidence.selfAssessment).toBe(0);
    expect(validate(analysis), JSON.stringify(validate.errors)).toBe(true);
    expect(markdown).toContain(
      "_Incomplete: cut by the analysis length limit (missing or unfinished: reasoning, quantitative insights, patterns, recommendations, self-assessment)._",
    );
  });

  it("has a lower confidence than the same analysis finished", () => {
    const finished = analysisFromGeneration(generated(whole, "endOfText")).analysis;
    const cut = analysisFromGeneration(
      generated(whole.slice(0, whole.indexOf('"recommendations"')), "maxTokens"),
    ).analysis;
    expect(finished.incomplete).toBeUndefined();
    expect(cut.incomplete?.missingSections).toEqual(["recommendations", "selfAssessment"]);
    expect(cut.confidence.completeness).toBe(0.75);
    expect(cut.confidence.overall).toBeLessThan(finished.confidence.overall);
  });

  it("is still an analysis when cut before anything was written", () => {
    for (const text of ["", "{", '{"summ', '{"summary":"']) {
      const { analysis } = analysisFromGeneration(generated(text, "maxTokens"));
      expect(analysis.summary).toBe("(no summary)");
      expect(analysis.incomplete?.missingSections).toHaveLength(6);
      expect(validate(analysis), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("is whole when only the newlines after the document were cut", () => {
    const { analysis, markdown } = analysisFromGeneration(generated(`${whole}\n\n\n\n\n\n`, "maxTokens"));
    expect(analysis.incomplete).toBeUndefined();
    expect(analysis.confidence.completeness).toBe(1);
    expect(markdown).not.toContain("Incomplete");
  });

  it("is refused with a clear error when the model stopped halfway on its own", () => {
    let error: unknown;
    try {
      analysisFromGeneration(generated(whole.slice(0, 40), "endOfText"));
    } catch (caught) {
      error = caught;
    }
    expect(isGuruError(error) && error.code).toBe("GENERATION_FAILED");
  });
});

describe("the confidence per engine", () => {
  it("records which engine produced the token probabilities", () => {
    const { confidence } = analysisFromGeneration(generated(whole, "endOfText")).analysis;
    expect(confidence.method).toBe("token-probability+self-assessment+completeness");
    expect(confidence.tokenProbability).toBe(0.5);
    expect(confidence.probabilities).toEqual({ engine: "node-llama-cpp", kind: "sampled" });
  });

  it("without token probabilities, weighs self-assessment and completeness alone and says so", () => {
    const server = { engine: "openai", kind: "none", server: "http://gpu1:8000" } as const;
    const { analysis, markdown } = analysisFromGeneration(generated(whole, "endOfText", server));
    expect(analysis.confidence).toEqual({
      overall: expect.closeTo((0.25 * 0.7 + 0.15 * 1) / 0.4, 2),
      method: "self-assessment+completeness",
      selfAssessment: 0.7,
      completeness: 1,
      freeTokens: 0,
      probabilities: server,
    });
    expect(validate(analysis), JSON.stringify(validate.errors)).toBe(true);
    expect(markdown).toContain(
      "(no token probabilities from the OpenAI-compatible server, self-assessed 70%, completeness 100%)",
    );
  });

  it("still validates an analysis stored before engines were recorded", () => {
    const stored = {
      schemaVersion: 1,
      summary: "Builds are slow.",
      reasoningSteps: ["Cache misses"],
      quantitativeInsights: [],
      patterns: [],
      recommendations: [{ kind: "practical", action: "Key the cache" }],
      confidence: {
        overall: 0.61,
        method: "token-probability+self-assessment+completeness",
        tokenProbability: 0.55,
        selfAssessment: 0.7,
        completeness: 0.5,
        freeTokens: 42,
      },
    };
    expect(validate(stored), JSON.stringify(validate.errors)).toBe(true);
  });
});
