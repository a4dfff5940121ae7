import type { CognitiveAnalysis, ModelAnalysis } from "./cognitiveAnalysis.js";
import { confidenceMethod } from "./cognitiveAnalysis.js";

/** A token the grammar left no real choice for is sampled with probability ≈ 1 and says nothing. */
const forcedThreshold = 0.999;

const weights = { tokenProbability: 0.6, selfAssessment: 0.25, completeness: 0.15 } as const;

/**
 * Confidence computed from the generation itself: how sure the sampler was of the tokens the
 * model actually chose (geometric mean of their probabilities), weighted with the model's own
 * estimate and how complete the analysis is. Never a constant.
 */
export function computeConfidence(
  analysis: ModelAnalysis,
  tokenConfidences: readonly number[],
): CognitiveAnalysis["confidence"] {
  const free = tokenConfidences.filter((p) => Number.isFinite(p) && p < forcedThreshold);
  const tokenProbability =
    free.length === 0
      ? 1
      : Math.exp(free.reduce((sum, p) => sum + Math.log(Math.max(p, 1e-6)), 0) / free.length);
  const sections = [
    analysis.reasoning_steps.length > 0,
    analysis.quantitative_insights.length > 0,
    analysis.patterns.length > 0,
    analysis.recommendations.length > 0,
  ];
  const completeness = sections.filter(Boolean).length / sections.length;
  const overall =
    weights.tokenProbability * tokenProbability +
    weights.selfAssessment * analysis.self_confidence +
    weights.completeness * completeness;
  return {
    overall: clampRound(overall),
    method: confidenceMethod,
    tokenProbability: clampRound(tokenProbability),
    selfAssessment: analysis.self_confidence,
    completeness: clampRound(completeness),
    freeTokens: free.length,
  };
}

function clampRound(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
