import type { GenerationResult } from "../engine/generationTypes.js";
import { GuruError } from "../errors.js";
import { computeConfidence } from "./analysisConfidence.js";
import { analysisDigest, analysisMarkdown, analysisSearchText } from "./analysisMarkdown.js";
import {
  type AnalysisSection,
  analysisSchemaVersion,
  type CognitiveAnalysis,
  type CutModelAnalysis,
  cutModelAnalysisSchema,
  modelAnalysisSchema,
  sectionOfModelKey,
} from "./cognitiveAnalysis.js";
import { closeJsonPrefix } from "./jsonPrefixCloser.js";

export interface AnalysisOutcome {
  readonly analysis: CognitiveAnalysis;
  readonly markdown: string;
  readonly digest: string;
  readonly searchText: string;
}

/**
 * Parses the grammar-constrained JSON once, at the boundary, and derives the confidence. An
 * analysis the token limit cut is closed where it stopped and returned marked incomplete, never
 * refused: what the model wrote before the limit is still worth showing.
 */
export function analysisFromGeneration(result: GenerationResult): AnalysisOutcome {
  const closed = closeJsonPrefix(oneMarkPerInvalidRun(result.text));
  const cut = result.stopReason === "maxTokens" && !closed.complete;
  let json: unknown;
  try {
    if (!closed.complete && !cut) throw new Error("the model ended the analysis halfway");
    json = JSON.parse(closed.json ?? "{}");
  } catch (cause) {
    throw new GuruError("GENERATION_FAILED", "The model produced an unreadable analysis. Please try again.", {
      cause,
    });
  }
  const parsed = (cut ? cutModelAnalysisSchema : modelAnalysisSchema).safeParse(json);
  if (!parsed.success) {
    throw new GuruError("GENERATION_FAILED", "The model produced an incomplete analysis. Please try again.", {
      cause: parsed.error,
    });
  }
  const model = parsed.data;
  // Cut after the last section was written (only closing brackets missing) is whole.
  const missingSections = cut ? missing(model, closed.openPath[0]) : [];
  const analysis: CognitiveAnalysis = {
    schemaVersion: analysisSchemaVersion,
    summary: model.summary?.trim() || "(no summary)",
    reasoningSteps: filled((model.reasoning_steps ?? []).map((s) => s.trim())),
    quantitativeInsights: filled((model.quantitative_insights ?? []).map((s) => s.trim())),
    patterns: (model.patterns ?? [])
      .map((p) => ({ name: p.name.trim(), evidence: p.evidence.trim(), confidence: p.confidence }))
      .filter((p) => p.name || p.evidence),
    recommendations: (model.recommendations ?? [])
      .map((r) => ({ kind: r.kind, action: r.action.trim() }))
      .filter((r) => r.action),
    confidence: computeConfidence(model, result, missingSections),
    ...(missingSections.length > 0 ? { incomplete: { reason: "lengthLimit", missingSections } } : {}),
  };
  return {
    analysis,
    markdown: analysisMarkdown(analysis),
    digest: analysisDigest(analysis),
    searchText: analysisSearchText(analysis),
  };
}

/**
 * llama.cpp's grammar reads bytes that are not valid UTF-8 (a surrogate's encoding, an overlong
 * form) as one character each; JavaScript decodes each of their bytes to its own U+FFFD, so a
 * string the grammar bounded could count up to four times its characters. One mark per run of
 * them keeps every string within the bound the grammar applied (and reads better).
 */
function oneMarkPerInvalidRun(text: string): string {
  return text.replace(/\uFFFD+/g, "\uFFFD");
}

/** The sections the cut left out, and the one it fell in (left unfinished). */
function missing(model: CutModelAnalysis, cutIn: string | number | undefined): AnalysisSection[] {
  return Object.entries(sectionOfModelKey).flatMap(([key, section]) =>
    key in model && key !== cutIn ? [] : [section],
  );
}

function filled(items: string[]): string[] {
  return items.filter((item) => item.length > 0);
}
