import type { types } from "@slack/bolt";
import { percent } from "../../service/analysisMarkdown.js";
import type { CognitiveAnalysis } from "../../service/cognitiveAnalysis.js";
import { toMrkdwn } from "./mrkdwn.js";

const kindLabels: Record<CognitiveAnalysis["recommendations"][number]["kind"], string> = {
  architectural: "Architectural",
  practical: "Practical",
  process: "Process",
  investigate: "Investigate",
};

/**
 * A cognitive analysis as Block Kit: one section each for the summary, the reasoning steps, the
 * quantitative insights, the patterns (with their confidence) and the recommendations, then the
 * overall confidence and how it was computed. Every field is bounded by the analysis schema, so
 * each section stays far below Slack's 3,000 characters.
 */
export function analysisBlocks(analysis: CognitiveAnalysis): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [section(`*Summary*\n${toMrkdwn(analysis.summary)}`)];
  if (analysis.reasoningSteps.length > 0) {
    const steps = analysis.reasoningSteps.map((step, i) => `${i + 1}. ${toMrkdwn(step)}`);
    blocks.push(section(`*Reasoning*\n${steps.join("\n")}`));
  }
  if (analysis.quantitativeInsights.length > 0) {
    const insights = analysis.quantitativeInsights.map((insight) => `• ${toMrkdwn(insight)}`);
    blocks.push(section(`*Quantitative insights*\n${insights.join("\n")}`));
  }
  if (analysis.patterns.length > 0) {
    const patterns = analysis.patterns.map(
      (p) => `• *${toMrkdwn(p.name)}* — ${percent(p.confidence)} confidence\n   ${toMrkdwn(p.evidence)}`,
    );
    blocks.push(section(`*Patterns*\n${patterns.join("\n")}`));
  }
  if (analysis.recommendations.length > 0) {
    const recommendations = analysis.recommendations.map(
      (r) => `• *${kindLabels[r.kind]}:* ${toMrkdwn(r.action)}`,
    );
    blocks.push(section(`*Recommendations*\n${recommendations.join("\n")}`));
  }
  const c = analysis.confidence;
  blocks.push(section(`*Confidence: ${percent(c.overall)}*`), {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `token probability ${percent(c.tokenProbability)} · self-assessed ${percent(c.selfAssessment)} · completeness ${percent(c.completeness)}`,
      },
    ],
  });
  return blocks;
}

function section(text: string): types.SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
