import type { GenerationResult } from "../engine/generationTypes.js";
import { GuruError } from "../errors.js";
import { computeConfidence } from "./analysisConfidence.js";
import { analysisDigest, analysisMarkdown, analysisSearchText } from "./analysisMarkdown.js";
import { analysisSchemaVersion, type CognitiveAnalysis, modelAnalysisSchema } from "./cognitiveAnalysis.js";

export interface AnalysisOutcome {
  readonly analysis: CognitiveAnalysis;
  readonly markdown: string;
  readonly digest: string;
  readonly searchText: string;
}

/** Parses the grammar-constrained JSON once, at the boundary, and derives the confidence. */
export function analysisFromGeneration(result: GenerationResult): AnalysisOutcome {
  if (result.stopReason === "maxTokens") {
    throw new GuruError(
      "GENERATION_FAILED",
      "The analysis did not finish within its length limit. Ask a narrower question, or use a plain answer.",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(result.text);
  } catch (cause) {
    throw new GuruError("GENERATION_FAILED", "The model produced an unreadable analysis. Please try again.", {
      cause,
    });
  }
  const parsed = modelAnalysisSchema.safeParse(json);
  if (!parsed.success) {
    throw new GuruError("GENERATION_FAILED", "The model produced an incomplete analysis. Please try again.", {
      cause: parsed.error,
    });
  }
  const model = parsed.data;
  const analysis: CognitiveAnalysis = {
    schemaVersion: analysisSchemaVersion,
    summary: model.summary.trim() || "(no summary)",
    reasoningSteps: filled(model.reasoning_steps.map((s) => s.trim())),
    quantitativeInsights: filled(model.quantitative_insights.map((s) => s.trim())),
    patterns: model.patterns
      .map((p) => ({ name: p.name.trim(), evidence: p.evidence.trim(), confidence: p.confidence }))
      .filter((p) => p.name || p.evidence),
    recommendations: model.recommendations
      .map((r) => ({ kind: r.kind, action: r.action.trim() }))
      .filter((r) => r.action),
    confidence: computeConfidence(model, result.tokenConfidences),
  };
  return {
    analysis,
    markdown: analysisMarkdown(analysis),
    digest: analysisDigest(analysis),
    searchText: analysisSearchText(analysis),
  };
}

function filled(items: string[]): string[] {
  return items.filter((item) => item.length > 0);
}
