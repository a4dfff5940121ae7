import type { Database, Statement } from "better-sqlite3";
import type { ReplyInput } from "./messageStore.js";
import { messageColumns, messageSchema, type StoredMessage } from "./rows.js";

/** An answered question as stored: its reply and whether that reply is an analysis. */
export interface AnsweredQuestion {
  readonly question: StoredMessage;
  readonly reply: StoredMessage | null;
  readonly mode: "ask" | "analyze";
}

/**
 * The reply a question shows, replaced in place when it is regenerated: the row keeps its id, so it
 * stays where it was in the conversation's history; an analysis's rows are replaced by the new one's.
 */
export class ShownReplies {
  private readonly replyStatement: Statement<[number]>;
  private readonly analysedStatement: Statement<[number]>;
  private readonly replaceStatement: Statement<[string, string, string | null, number, number]>;
  private readonly dropAnalysesStatement: Statement<[number]>;

  constructor(
    db: Database,
    private readonly countTokens: (text: string) => number,
  ) {
    this.replyStatement = db.prepare(`SELECT ${messageColumns} FROM messages WHERE reply_to = ?`);
    this.analysedStatement = db
      .prepare("SELECT EXISTS (SELECT 1 FROM analyses WHERE answered_message_id = ?)")
      .pluck();
    this.replaceStatement = db.prepare(
      "UPDATE messages SET text = ?, status = ?, status_reason = ?, token_count = ? WHERE reply_to = ?",
    );
    this.dropAnalysesStatement = db.prepare("DELETE FROM analyses WHERE answered_message_id = ?");
  }

  answered(question: StoredMessage): AnsweredQuestion {
    const row = this.replyStatement.get(question.id);
    return {
      question,
      reply: row === undefined ? null : messageSchema.parse(row),
      mode: this.analysedStatement.get(question.id) === 1 ? "analyze" : "ask",
    };
  }

  /** Replaces the question's reply (and drops its analyses, for the new one to be recorded); false if it has none. */
  replace(input: ReplyInput): boolean {
    const reason = input.status === "complete" ? null : input.reason;
    this.dropAnalysesStatement.run(input.inReplyTo);
    const changed = this.replaceStatement.run(
      input.text,
      input.status,
      reason,
      this.countTokens(input.text),
      input.inReplyTo,
    ).changes;
    return changed > 0;
  }
}
