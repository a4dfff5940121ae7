import { escapeMarkdown } from "discord.js";
import type { MemoryView } from "../../service/memoryView.js";
import { fitMemoryText, type MemoryDialect, memorySections } from "../common/memorySections.js";
import { messageLimit } from "./discordText.js";

const discordDialect: MemoryDialect = {
  escape: (text) => escapeMarkdown(text),
  bold: (text) => `**${text}**`,
};

const forgetHint = "`/forget` clears this conversation; `/forget-me` deletes your own messages everywhere.";

/**
 * `/memory`: the summary, latest messages and analyses of this conversation, in one message of at
 * most 2,000 characters (the oldest lines go first when it would be longer). What people wrote is
 * escaped as Markdown; the client allows no mentions, so nothing in it can ping.
 */
export function memoryText(view: MemoryView, asker: string): string {
  const sections = memorySections(view, asker, discordDialect);
  const body = fitMemoryText(sections, discordDialect, messageLimit - forgetHint.length - 2);
  return view.messageCount === 0 ? body : `${body}\n\n${forgetHint}`;
}
