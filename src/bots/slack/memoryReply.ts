import type { types } from "@slack/bolt";
import type { MemoryView } from "../../service/memoryView.js";
import { clipText, type MemoryDialect, memorySections, sectionText } from "../common/memorySections.js";
import { escapeText } from "./mrkdwn.js";

/** Slack refuses a section's text past 3,000 characters. */
export const sectionLimit = 3000;

const slackDialect: MemoryDialect = { escape: escapeText, bold: (text) => `*${text}*` };

export interface MemoryReply {
  /** The notification and fallback. */
  readonly text: string;
  readonly blocks: types.KnownBlock[];
}

/**
 * What `/guru memory` (and `memory` said to Guru in a thread or DM) shows: `intro` (what Guru
 * keeps from the asker overall), then what it keeps of this conversation, one section block per
 * part. What people wrote is escaped, so it can neither ping nor link.
 */
export function memoryReply(intro: string, view: MemoryView | null, asker: string): MemoryReply {
  const texts = [intro];
  if (view) {
    const memory = memorySections(view, asker, slackDialect);
    texts.push(memory.heading, ...memory.sections.map((section) => sectionText(section, slackDialect)));
  }
  return {
    text: clipText(texts.slice(0, 2).join("\n"), sectionLimit),
    blocks: texts.map((text) => ({
      type: "section",
      text: { type: "mrkdwn", text: clipText(text, sectionLimit) },
    })),
  };
}
