import type { GenerationResult } from "../engine/generationTypes.js";
import type { AnalysisSection, CognitiveAnalysis, CutModelAnalysis } from "./cognitiveAnalysis.js";
import { confidenceMethod, confidenceMethodWithoutTokens } from "./cognitiveAnalysis.js";

/** A token the grammar left no real choice for is sampled with probability ≈ 1 and says nothing. */
const forcedThreshold = 0.999;

const weights = { tokenProbability: 0.6, selfAssessment: 0.25, completeness: 0.15 } as const;

/**
 * Confidence computed from the generation itself: how sure the sampler was of the tokens the
 * model actually chose (geometric mean of their probabilities), weighted with the model's own
 * estimate and how complete the analysis is. Never a constant. An analysis cut by the length limit
 * counts only the sections it finished, and an estimate it never reached as 0. When the engine gave
 * no token probabilities (an OpenAI-compatible server without logprobs) the other two carry the
 * weight in the same proportion, and the method says so. The engine is always recorded.
 */
export function computeConfidence(
  analysis: CutModelAnalysis,
  generation: Pick<GenerationResult, "tokenConfidences" | "probabilities">,
  missingSections: readonly AnalysisSection[] = [],
): CognitiveAnalysis["confidence"] {
  const finished = (section: AnalysisSection, items: readonly unknown[] | undefined): boolean =>
    (items?.length ?? 0) > 0 && !missingSections.includes(section);
  const sections = [
    finished("reasoningSteps", analysis.reasoning_steps),
    finished("quantitativeInsights", analysis.quantitative_insights),
    finished("patterns", analysis.patterns),
    finished("recommendations", analysis.recommendations),
  ];
  const completeness = sections.filter(Boolean).length / sections.length;
  const selfAssessment = analysis.self_confidence ?? 0;
  const { tokenConfidences, probabilities } = generation;
  const common = { selfAssessment, completeness: clampRound(completeness) };
  if (probabilities.kind === "none" || tokenConfidences.length === 0) {
    const shares = weights.selfAssessment + weights.completeness;
    return {
      overall: clampRound(
        (weights.selfAssessment * selfAssessment + weights.completeness * completeness) / shares,
      ),
      method: confidenceMethodWithoutTokens,
      ...common,
      freeTokens: 0,
      probabilities,
    };
  }
  const free = tokenConfidences.filter((p) => Number.isFinite(p) && p < forcedThreshold);
  const tokenProbability =
    free.length === 0
      ? 1
      : Math.exp(free.reduce((sum, p) => sum + Math.log(Math.max(p, 1e-6)), 0) / free.length);
  const overall =
    weights.tokenProbability * tokenProbability +
    weights.selfAssessment * selfAssessment +
    weights.completeness * completeness;
  return {
    overall: clampRound(overall),
    method: confidenceMethod,
    tokenProbability: clampRound(tokenProbability),
    ...common,
    freeTokens: free.length,
    probabilities,
  };
}

function clampRound(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}
