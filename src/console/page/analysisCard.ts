import type { CognitiveAnalysis } from "../apiTypes.js";
import { element, percent } from "./dom.js";

const kindLabels: Readonly<Record<CognitiveAnalysis["recommendations"][number]["kind"], string>> = {
  architectural: "Architectural",
  practical: "Practical",
  process: "Process",
  investigate: "Investigate",
};

/** A labelled bar for a share in [0, 1]; screen readers get it as a meter with its value. */
export function confidenceBar(label: string, share: number, tone = ""): HTMLElement {
  const fill = element("span", { class: "fill" });
  fill.style.width = percent(share);
  return element(
    "div",
    { class: `bar ${tone}`.trim() },
    element("span", { class: "bar-label" }, label),
    element(
      "span",
      {
        class: "track",
        role: "meter",
        "aria-label": label,
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-valuenow": String(Math.round(share * 100)),
      },
      fill,
    ),
    element("span", { class: "bar-value" }, percent(share)),
  );
}

function section(title: string, ...content: readonly (Node | null)[]): HTMLElement | null {
  if (content.every((node) => node === null)) return null;
  return element("section", { class: "card-section" }, element("h4", {}, title), ...content);
}

function list(tag: "ol" | "ul", items: readonly string[]): HTMLElement | null {
  if (items.length === 0) return null;
  return element(tag, {}, ...items.map((item) => element("li", {}, item)));
}

/**
 * An analysis as a card: the summary, the reasoning steps, patterns with their confidence as
 * bars, recommendations by kind, and the confidence broken into the parts it is computed from.
 */
export function analysisCard(analysis: CognitiveAnalysis, when?: string): HTMLElement {
  const { confidence } = analysis;
  const kinds = [...new Set(analysis.recommendations.map((r) => r.kind))];
  return element(
    "article",
    { class: "analysis-card", "aria-label": "Analysis" },
    element(
      "header",
      {},
      element("h3", {}, "Analysis"),
      when ? element("time", { datetime: when }, new Date(when).toLocaleString()) : null,
    ),
    element("p", { class: "summary" }, analysis.summary),
    section(
      "Confidence",
      confidenceBar("Overall", confidence.overall, "overall"),
      confidence.tokenProbability === undefined
        ? element(
            "p",
            { class: "note" },
            "Token probability: none (the inference server gave no token probabilities); the confidence comes from the other two.",
          )
        : confidenceBar("Token probability", confidence.tokenProbability),
      confidenceBar("Self-assessment", confidence.selfAssessment),
      confidenceBar("Completeness", confidence.completeness),
    ),
    section("Reasoning", list("ol", analysis.reasoningSteps)),
    section("Figures", list("ul", analysis.quantitativeInsights)),
    section(
      "Patterns",
      ...analysis.patterns.map((pattern) =>
        element(
          "div",
          { class: "pattern" },
          confidenceBar(pattern.name, pattern.confidence),
          element("p", { class: "evidence" }, pattern.evidence),
        ),
      ),
    ),
    section(
      "Recommendations",
      ...kinds.map((kind) =>
        element(
          "div",
          { class: "kind" },
          element("h5", {}, kindLabels[kind]),
          list(
            "ul",
            analysis.recommendations.filter((r) => r.kind === kind).map((r) => r.action),
          ),
        ),
      ),
    ),
    analysis.incomplete
      ? element(
          "p",
          { class: "note" },
          `Cut at the length limit; missing or unfinished: ${analysis.incomplete.missingSections.join(", ")}.`,
        )
      : null,
  );
}
