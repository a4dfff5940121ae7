import type { Database, Statement } from "better-sqlite3";
import { type StoredSummary, summaryColumns, summarySchema } from "./rows.js";

/** One rolling summary per conversation: its turns up to `throughMessageId`, folded into text. */
export class SummaryStore {
  private readonly byConversation: Statement<[number]>;
  private readonly upsert: Statement<[number, string, number, number, number]>;

  constructor(
    db: Database,
    private readonly countTokens: (text: string) => number,
    private readonly now: () => number,
  ) {
    this.byConversation = db.prepare(`SELECT ${summaryColumns} FROM summaries WHERE conversation_id = ?`);
    this.upsert = db.prepare(
      `INSERT INTO summaries (conversation_id, text, token_count, through_message_id, created_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET
         text = excluded.text, token_count = excluded.token_count,
         through_message_id = excluded.through_message_id, created_at = excluded.created_at`,
    );
  }

  find(conversationId: number): StoredSummary | null {
    const row = this.byConversation.get(conversationId);
    return row === undefined ? null : summarySchema.parse(row);
  }

  save(conversationId: number, text: string, throughMessageId: number): void {
    this.upsert.run(conversationId, text, this.countTokens(text), throughMessageId, this.now());
  }
}
