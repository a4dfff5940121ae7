import type { AnalysisSection, CognitiveAnalysis } from "./cognitiveAnalysis.js";

/** Renderer-neutral Markdown of an analysis; adapters turn it (or the object) into blocks/embeds. */
export function analysisMarkdown(analysis: CognitiveAnalysis): string {
  const sections = [`**Summary.** ${analysis.summary}`];
  if (analysis.reasoningSteps.length > 0) {
    sections.push(
      `**Reasoning**\n${analysis.reasoningSteps.map((step, i) => `${i + 1}. ${step}`).join("\n")}`,
    );
  }
  if (analysis.quantitativeInsights.length > 0) {
    sections.push(
      `**Quantitative insights**\n${analysis.quantitativeInsights.map((item) => `- ${item}`).join("\n")}`,
    );
  }
  if (analysis.patterns.length > 0) {
    const lines = analysis.patterns.map((p) => `- *${p.name}* (${percent(p.confidence)}): ${p.evidence}`);
    sections.push(`**Patterns**\n${lines.join("\n")}`);
  }
  if (analysis.recommendations.length > 0) {
    const lines = analysis.recommendations.map((r) => `- [${r.kind}] ${r.action}`);
    sections.push(`**Recommendations**\n${lines.join("\n")}`);
  }
  const cut = cutShortNote(analysis);
  if (cut) sections.push(`_${cut}_`);
  sections.push(`**Confidence:** ${percent(analysis.confidence.overall)} (${confidenceNote(analysis)})`);
  return sections.join("\n\n");
}

const sectionNames: Record<AnalysisSection, string> = {
  summary: "summary",
  reasoningSteps: "reasoning",
  quantitativeInsights: "quantitative insights",
  patterns: "patterns",
  recommendations: "recommendations",
  selfAssessment: "self-assessment",
};

/** What every renderer says of an analysis the length limit cut (null for a whole one). */
export function cutShortNote(analysis: CognitiveAnalysis): string | null {
  if (!analysis.incomplete) return null;
  const missing = analysis.incomplete.missingSections.map((section) => sectionNames[section]);
  return `Incomplete: cut by the analysis length limit${missing.length > 0 ? ` (missing or unfinished: ${missing.join(", ")})` : ""}.`;
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

const engineNames = {
  "node-llama-cpp": "node-llama-cpp",
  "llama-server": "llama-server",
  openai: "the OpenAI-compatible server",
} as const;

/**
 * What every renderer lists after the overall confidence: its three inputs, or, when the engine
 * gave no token probabilities, which engine that was and the two inputs left.
 */
export function confidenceParts(confidence: CognitiveAnalysis["confidence"]): string[] {
  const engine = confidence.probabilities ? engineNames[confidence.probabilities.engine] : "the engine";
  return [
    confidence.tokenProbability === undefined
      ? `no token probabilities from ${engine}`
      : `token probability ${percent(confidence.tokenProbability)}`,
    `self-assessed ${percent(confidence.selfAssessment)}`,
    `completeness ${percent(confidence.completeness)}`,
  ];
}

function confidenceNote(analysis: CognitiveAnalysis): string {
  return confidenceParts(analysis.confidence).join(", ");
}

/** The short form later questions see as context, and the text full-text search matches. */
export function analysisDigest(analysis: CognitiveAnalysis): string {
  const recommendations = analysis.recommendations.map((r) => r.action).join("; ");
  return [analysis.summary, recommendations ? `Recommended: ${recommendations}` : ""]
    .filter(Boolean)
    .join(" ");
}

export function analysisSearchText(analysis: CognitiveAnalysis): string {
  return [
    analysis.summary,
    ...analysis.reasoningSteps,
    ...analysis.quantitativeInsights,
    ...analysis.patterns.flatMap((p) => [p.name, p.evidence]),
    ...analysis.recommendations.map((r) => r.action),
  ].join("\n");
}
