import type { APIEmbed, APIEmbedField } from "discord.js";
import { confidenceParts, cutShortNote, percent } from "../../service/analysisMarkdown.js";
import type { CognitiveAnalysis } from "../../service/cognitiveAnalysis.js";

/** Discord rejects an embed past any of these (characters; `total` counts every text in it). */
export const embedLimits = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

/** Discord's own green, yellow and red: sure, fair, shaky. */
export function confidenceColour(overall: number): number {
  if (overall >= 0.75) return 0x57f287;
  if (overall >= 0.5) return 0xfee75c;
  return 0xed4245;
}

/** An analysis as one embed: summary on top, then reasoning, numbers, patterns, recommendations. */
export function analysisEmbed(analysis: CognitiveAnalysis, question: string): APIEmbed {
  const fields: APIEmbedField[] = [];
  if (analysis.reasoningSteps.length > 0) {
    fields.push({
      name: "Reasoning",
      value: analysis.reasoningSteps.map((step, i) => `${i + 1}. ${step}`).join("\n"),
    });
  }
  if (analysis.quantitativeInsights.length > 0) {
    fields.push({
      name: "Numbers",
      value: analysis.quantitativeInsights.map((item) => `• ${item}`).join("\n"),
    });
  }
  for (const pattern of analysis.patterns) {
    fields.push({
      name: `Pattern: ${pattern.name} — ${percent(pattern.confidence)}`,
      value: pattern.evidence,
    });
  }
  if (analysis.recommendations.length > 0) {
    fields.push({
      name: "Recommendations",
      value: analysis.recommendations.map((r) => `• **${r.kind}** — ${r.action}`).join("\n"),
    });
  }
  const c = analysis.confidence;
  return fitEmbed({
    title: `Analysis: ${question.replace(/\s+/g, " ").trim()}`,
    description: analysis.summary,
    color: confidenceColour(c.overall),
    fields,
    footer: {
      text: [cutShortNote(analysis), `Confidence ${percent(c.overall)} — ${confidenceParts(c).join(", ")}`]
        .filter(Boolean)
        .join("\n"),
    },
  });
}

/**
 * Cuts an embed to Discord's limits. The title and footer (the confidence) are kept; the summary
 * gets at least half of what is left; fields follow in order, the last one that fits only in part
 * is shortened, and the rest are dropped.
 */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const title = clip(embed.title ?? "", embedLimits.title);
  const footer = clip(embed.footer?.text ?? "", embedLimits.footer);
  const fields = (embed.fields ?? [])
    .slice(0, embedLimits.fields)
    // Discord rejects a blank field name or value.
    .map((f) => ({
      name: clip(f.name, embedLimits.fieldName) || "—",
      value: clip(f.value, embedLimits.fieldValue) || "—",
    }));
  const budget = embedLimits.total - title.length - footer.length;
  const fieldsWant = fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const descriptionRoom = Math.min(
    embedLimits.description,
    Math.max(budget - fieldsWant, Math.floor(budget / 2)),
  );
  const description = clip(embed.description ?? "", descriptionRoom);
  let left = budget - description.length;
  const kept: APIEmbedField[] = [];
  for (const field of fields) {
    const need = field.name.length + field.value.length;
    if (need <= left) {
      kept.push(field);
      left -= need;
      continue;
    }
    const valueRoom = left - field.name.length;
    if (valueRoom >= 40) kept.push({ name: field.name, value: clip(field.value, valueRoom) });
    break;
  }
  return {
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    ...(embed.color === undefined ? {} : { color: embed.color }),
    ...(kept.length > 0 ? { fields: kept } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
  };
}

/** Trimmed, at most `max` characters, marked "…" when cut, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  let end = max - 1;
  const code = trimmed.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${trimmed.slice(0, end)}…`;
}
