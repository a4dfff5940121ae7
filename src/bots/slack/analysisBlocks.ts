import type { types } from "@slack/bolt";
import { confidenceParts, cutShortNote, percent } from "../../service/analysisMarkdown.js";
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
 * overall confidence and how it was computed. The analysis schema bounds every field, but escaping
 * can make a section several times longer (`&` is five characters in mrkdwn), so a section past
 * Slack's 3,000 characters is cut. What could not be read for it (or was cut) ends it as a note.
 */
export function analysisBlocks(
  analysis: CognitiveAnalysis,
  readNotes: readonly string[] = [],
): types.KnownBlock[] {
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
  const cut = cutShortNote(analysis);
  if (cut) blocks.push(section(`_${cut}_`));
  const c = analysis.confidence;
  blocks.push(section(`*Confidence: ${percent(c.overall)}*`), {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: confidenceParts(c).join(" · "),
      },
    ],
  });
  if (readNotes.length > 0) blocks.push(section(`*Note:* ${toMrkdwn(readNotes.join(" "))}`));
  return blocks;
}

/** Slack refuses the whole message when a section's text is longer than this. */
const sectionLimit = 3000;

function section(text: string): types.SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: clip(text, sectionLimit) } };
}

/** At most `max` characters, marked "…" when cut, never ending in half an entity, link or emoji. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/(&[a-z]*|<[^<>]*|[\uD800-\uDBFF])$/, "")}…`;
}
