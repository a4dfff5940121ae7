import { z } from "zod";
import type { ConversationMemory } from "../memory/memory.js";

/**
 * What Guru keeps of one conversation, as `/memory` shows it on every platform (and the MCP
 * `memory` tool returns it): the rolling summary, the latest messages and the latest analyses,
 * each trimmed so the whole fits any platform's message after its own formatting.
 */

/** How much of each part is shown. */
export const memoryViewLimits = {
  latestMessages: 6,
  messageChars: 240,
  latestAnalyses: 5,
  analysisChars: 240,
  summaryChars: 900,
} as const;

const isoDate = z.string().describe("ISO 8601.");

const trimmedText = {
  text: z.string(),
  trimmed: z.boolean().describe("True when `text` is only the beginning."),
};

export const memoryViewSchema = z.object({
  summary: z
    .object({ ...trimmedText, updatedAt: isoDate })
    .nullable()
    .describe("The rolling summary of the older turns; null until a conversation grows past the context."),
  messageCount: z.int().min(0),
  latestMessages: z
    .array(
      z.object({
        role: z.enum(["user", "assistant"]),
        /** The platform's id of who wrote it; "guru" for Guru's replies. */
        author: z.string(),
        ...trimmedText,
        status: z.enum(["complete", "interrupted", "failed"]),
        createdAt: isoDate,
      }),
    )
    .describe(`The newest ${memoryViewLimits.latestMessages} messages, oldest first.`),
  analysisCount: z.int().min(0),
  latestAnalyses: z
    .array(
      z.object({
        createdAt: isoDate,
        confidence: z.number().min(0).max(1),
        ...trimmedText,
      }),
    )
    .describe(`The newest ${memoryViewLimits.latestAnalyses} analyses' summaries, oldest first.`),
});

export type MemoryView = z.infer<typeof memoryViewSchema>;

export const emptyMemoryView: MemoryView = {
  summary: null,
  messageCount: 0,
  latestMessages: [],
  analysisCount: 0,
  latestAnalyses: [],
};

export function memoryViewOf(memory: ConversationMemory | null): MemoryView {
  if (memory === null) return emptyMemoryView;
  const { summary, messages, analyses } = memory;
  return {
    summary: summary && {
      ...trim(summary.text, memoryViewLimits.summaryChars),
      updatedAt: iso(summary.createdAt),
    },
    messageCount: messages.length,
    latestMessages: messages.slice(-memoryViewLimits.latestMessages).map((message) => ({
      role: message.role,
      author: message.author,
      ...trim(message.text, memoryViewLimits.messageChars),
      status: message.status,
      createdAt: iso(message.createdAt),
    })),
    analysisCount: analyses.length,
    latestAnalyses: analyses.slice(-memoryViewLimits.latestAnalyses).map((analysis) => ({
      createdAt: iso(analysis.createdAt),
      confidence: analysis.confidence,
      ...trim(analysis.summary, memoryViewLimits.analysisChars),
    })),
  };
}

/**
 * At most `limit` characters on one line, never cutting a character in half; control characters
 * (a terminal's colour codes, say) are left out.
 */
export function trim(text: string, limit: number): { text: string; trimmed: boolean } {
  const oneLine = text
    .replace(/\s+/g, " ")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, "")
    .toWellFormed()
    .trim();
  const characters = Array.from(oneLine);
  if (characters.length <= limit) return { text: oneLine, trimmed: false };
  return {
    text: `${characters
      .slice(0, limit - 1)
      .join("")
      .trimEnd()}…`,
    trimmed: true,
  };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
