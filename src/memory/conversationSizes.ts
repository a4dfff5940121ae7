import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";

/** One conversation Guru keeps, with how much of it: what the console's memory page lists. */
export const conversationSizeSchema = z.object({
  key: z.string(),
  platform: z.string(),
  space: z.string().nullable(),
  channel: z.string(),
  thread: z.string().nullable(),
  messages: z.number().int(),
  analyses: z.number().int(),
  /** Tokens of its messages and analyses, as memory counted them. */
  tokens: z.number().int(),
  /** ms since the epoch: its newest message (its creation when it has none). */
  lastActivityAt: z.number().int(),
});

export type ConversationSize = z.infer<typeof conversationSizeSchema>;

/** Every kept conversation with its size, by platform and channel: read only, one query. */
export class ConversationSizes {
  private readonly statement: Statement<[]>;

  constructor(db: Database) {
    this.statement = db.prepare(`
      SELECT c.key, c.platform, c.space, c.channel, c.thread,
        (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS messages,
        (SELECT COUNT(*) FROM analyses a WHERE a.conversation_id = c.id) AS analyses,
        (SELECT COALESCE(SUM(m.token_count), 0) FROM messages m WHERE m.conversation_id = c.id)
          + (SELECT COALESCE(SUM(a.token_count), 0) FROM analyses a WHERE a.conversation_id = c.id) AS tokens,
        COALESCE((SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = c.id), c.created_at)
          AS lastActivityAt
      FROM conversations c
      ORDER BY c.platform, c.space, c.channel, c.thread`);
  }

  all(): ConversationSize[] {
    return this.statement.all().map((row) => conversationSizeSchema.parse(row));
  }
}
