import { describe, expect, it } from "vitest";
import { analysisBlocks } from "../../src/bots/slack/analysisBlocks.js";
import {
  type CognitiveAnalysis,
  confidenceMethod,
  confidenceMethodWithoutTokens,
} from "../../src/service/cognitiveAnalysis.js";

const analysis: CognitiveAnalysis = {
  schemaVersion: 1,
  summary: "Deploys fail when the cache & the DB disagree.",
  reasoningSteps: ["Failures follow cache flushes.", "Rollbacks fix them."],
  quantitativeInsights: ["3 of 4 failures within 5 min of a flush"],
  patterns: [{ name: "Stale cache", evidence: "errors cite old keys", confidence: 0.7 }],
  recommendations: [{ kind: "practical", action: "Flush after migrating, not before." }],
  confidence: {
    overall: 0.64,
    method: confidenceMethod,
    tokenProbability: 0.71,
    selfAssessment: 0.6,
    completeness: 1,
    freeTokens: 120,
  },
};

function texts(blocks: ReturnType<typeof analysisBlocks>): string[] {
  return blocks.map((block) =>
    block.type === "section"
      ? (block.text?.text ?? "")
      : block.type === "context"
        ? JSON.stringify(block.elements)
        : "",
  );
}

describe("analysisBlocks", () => {
  it("gives each part of the analysis its own section, the confidence last", () => {
    expect(texts(analysisBlocks(analysis))).toEqual([
      "*Summary*\nDeploys fail when the cache &amp; the DB disagree.",
      "*Reasoning*\n1. Failures follow cache flushes.\n2. Rollbacks fix them.",
      "*Quantitative insights*\n• 3 of 4 failures within 5 min of a flush",
      "*Patterns*\n• *Stale cache* — 70% confidence\n   errors cite old keys",
      "*Recommendations*\n• *Practical:* Flush after migrating, not before.",
      "*Confidence: 64%*",
      JSON.stringify([
        { type: "mrkdwn", text: "token probability 71% · self-assessed 60% · completeness 100%" },
      ]),
    ]);
  });

  it("names the engine when it gave no token probabilities", () => {
    const withoutTokens: CognitiveAnalysis = {
      ...analysis,
      confidence: {
        overall: 0.75,
        method: confidenceMethodWithoutTokens,
        selfAssessment: 0.6,
        completeness: 1,
        freeTokens: 0,
        probabilities: { engine: "openai", kind: "none", server: "http://gpu1:8000" },
      },
    };
    expect(texts(analysisBlocks(withoutTokens)).at(-1)).toBe(
      JSON.stringify([
        {
          type: "mrkdwn",
          text: "no token probabilities from the OpenAI-compatible server · self-assessed 60% · completeness 100%",
        },
      ]),
    );
  });

  it("says above the confidence when the length limit cut the analysis, and what it left out", () => {
    const cut: CognitiveAnalysis = {
      ...analysis,
      recommendations: [],
      incomplete: { reason: "lengthLimit", missingSections: ["recommendations", "selfAssessment"] },
    };
    expect(texts(analysisBlocks(cut)).slice(-3, -1)).toEqual([
      "_Incomplete: cut by the analysis length limit (missing or unfinished: recommendations, self-assessment)._",
      "*Confidence: 64%*",
    ]);
  });

  it("leaves out the sections the analysis has nothing for", () => {
    const bare = { ...analysis, quantitativeInsights: [], patterns: [], recommendations: [] };
    expect(texts(analysisBlocks(bare)).map((t) => t.split("\n")[0])).toEqual([
      "*Summary*",
      "*Reasoning*",
      "*Confidence: 64%*",
      expect.stringContaining("token probability"),
    ]);
  });
});
