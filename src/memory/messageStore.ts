import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";
import type { ContextAuthorKind, ReadDocument } from "../conversation/readDocument.js";
import { messageColumns, messageSchema, type StoredConversation, type StoredMessage } from "./rows.js";

const platformIdSchema = z.string();

export interface UserMessageInput {
  author: string;
  text: string;
  platformMessageId: string;
  /** Files read with the message. */
  documents?: readonly ReadDocument[];
}

/** A message read around a question (a thread, a reply chain): context, never a question. */
export interface ReadMessageInput extends UserMessageInput {
  authorName?: string | undefined;
  authorKind: ContextAuthorKind;
}

/** A finished reply, or the part of it produced before it was cut short, and why. */
export type ReplyInput = {
  /** The id of the stored user message this answers. */
  inReplyTo: number;
  author: string;
  text: string;
} & ({ status: "complete" } | { status: "interrupted" | "failed"; reason: string });

export class MessageStore {
  private readonly insertUserMessage: Statement<
    [number, number, string, string, string, string, number, number]
  >;
  private readonly insertReadMessage: Statement<
    [number, number, string, string | null, string, string, string, string, number, number]
  >;
  private readonly lastPlatformId: Statement<[number]>;
  private readonly byPlatformId: Statement<[number, string]>;
  private readonly insertReplyMessage: Statement<
    [string, string, string, string | null, number, number, number]
  >;
  private readonly newestFirstStatement: Statement<[number, number, number]>;
  private readonly oldestFirstStatement: Statement<[number, number, number]>;
  private readonly inConversation: Statement<[number]>;
  private readonly countIds: Statement<[string]>;
  private readonly interruptStatement: Statement<[string, number, number]>;

  constructor(
    db: Database,
    private readonly countTokens: (text: string) => number,
    private readonly now: () => number,
  ) {
    this.insertUserMessage = db.prepare(
      `INSERT INTO messages
         (conversation_id, scope_id, role, author, text, platform_message_id, documents, status, token_count, created_at)
       VALUES (?, ?, 'user', ?, ?, ?, ?, 'complete', ?, ?)
       -- A message read as context earlier (a thread Guru follows) may arrive as a question itself:
       -- it becomes one, once; a question seen before stays as it is.
       ON CONFLICT (scope_id, platform_message_id) DO UPDATE
         SET origin = 'asked', author_name = NULL, author_kind = NULL, text = excluded.text,
             documents = excluded.documents, token_count = excluded.token_count
         WHERE messages.origin = 'read' AND messages.conversation_id = excluded.conversation_id
       RETURNING ${messageColumns}`,
    );
    this.insertReadMessage = db.prepare(
      `INSERT INTO messages
         (conversation_id, scope_id, role, origin, author, author_name, author_kind, text, platform_message_id,
          documents, status, token_count, created_at)
       VALUES (?, ?, 'user', 'read', ?, ?, ?, ?, ?, ?, 'complete', ?, ?)
       ON CONFLICT (scope_id, platform_message_id) DO NOTHING`,
    );
    this.lastPlatformId = db
      .prepare(
        `SELECT platform_message_id FROM messages
         WHERE conversation_id = ? AND platform_message_id IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .pluck();
    this.byPlatformId = db.prepare(
      `SELECT ${messageColumns} FROM messages WHERE scope_id = ? AND platform_message_id = ?`,
    );
    this.insertReplyMessage = db.prepare(
      `INSERT INTO messages
         (conversation_id, scope_id, role, author, text, reply_to, status, status_reason, token_count, created_at)
       SELECT conversation_id, scope_id, 'assistant', ?, ?, id, ?, ?, ?, ?
       FROM messages WHERE id = ?
       -- One reply per question: a second one (another process, a late answer) is not stored.
       ON CONFLICT (reply_to) DO NOTHING
       RETURNING ${messageColumns}`,
    );
    this.newestFirstStatement = db.prepare(
      `SELECT ${messageColumns} FROM messages
       WHERE conversation_id = ? AND id > ? AND id < ? ORDER BY id DESC`,
    );
    this.oldestFirstStatement = db.prepare(
      `SELECT ${messageColumns} FROM messages
       WHERE conversation_id = ? AND id > ? AND id < ? ORDER BY id`,
    );
    this.countIds = db
      .prepare("SELECT COUNT(*) FROM messages WHERE id IN (SELECT value FROM json_each(?))")
      .pluck();
    this.interruptStatement = db.prepare(
      `INSERT INTO messages
         (conversation_id, scope_id, role, author, text, reply_to, status, status_reason, token_count, created_at)
       SELECT q.conversation_id, q.scope_id, 'assistant', 'guru', '', q.id, 'interrupted', ?, 0, ?
       FROM messages q WHERE q.id = ? AND q.role = 'user'
       ON CONFLICT (reply_to) DO NOTHING`,
    );
    this.inConversation = db.prepare(
      `SELECT ${messageColumns} FROM messages WHERE conversation_id = ? ORDER BY id`,
    );
  }

  /** Stores a user's message once: a platform id seen before in this scope returns the stored row. */
  insertUser(
    conversation: StoredConversation,
    input: UserMessageInput,
  ): { message: StoredMessage; isNew: boolean } {
    const inserted = this.insertUserMessage.get(
      conversation.id,
      conversation.scopeId,
      input.author,
      input.text,
      input.platformMessageId,
      JSON.stringify(input.documents ?? []),
      this.tokensOf(input),
      this.now(),
    );
    if (inserted !== undefined) return { message: messageSchema.parse(inserted), isNew: true };
    const existing = this.byPlatformId.get(conversation.scopeId, input.platformMessageId);
    return { message: messageSchema.parse(existing), isNew: false };
  }

  /** Stores a message read as context once; one seen before in this scope is left as it is. Returns whether it was new. */
  insertRead(conversation: StoredConversation, input: ReadMessageInput): boolean {
    return (
      this.insertReadMessage.run(
        conversation.id,
        conversation.scopeId,
        input.author,
        input.authorName ?? null,
        input.authorKind,
        input.text,
        input.platformMessageId,
        JSON.stringify(input.documents ?? []),
        this.tokensOf(input),
        this.now(),
      ).changes > 0
    );
  }

  /** The platform id of the newest platform message stored in a conversation: fronts read only what came after. */
  lastPlatformMessageId(conversationId: number): string | null {
    const id = this.lastPlatformId.get(conversationId);
    return id === undefined ? null : platformIdSchema.parse(id);
  }

  /** A message's words and its files' together: both take room in a prompt. */
  private tokensOf(input: UserMessageInput): number {
    return (input.documents ?? []).reduce(
      (sum, document) => sum + this.countTokens(document.name) + this.countTokens(document.text),
      this.countTokens(input.text),
    );
  }

  findByPlatformId(conversation: StoredConversation, platformMessageId: string): StoredMessage | null {
    const row = this.byPlatformId.get(conversation.scopeId, platformMessageId);
    return row === undefined ? null : messageSchema.parse(row);
  }

  /**
   * Stores a reply in its question's conversation; null when the question has been forgotten
   * meanwhile, or already has its reply.
   */
  insertReply(input: ReplyInput): StoredMessage | null {
    const reason = input.status === "complete" ? null : input.reason;
    const inserted = this.insertReplyMessage.get(
      input.author,
      input.text,
      input.status,
      reason,
      this.countTokens(input.text),
      this.now(),
      input.inReplyTo,
    );
    return inserted === undefined ? null : messageSchema.parse(inserted);
  }

  /** Gives an unanswered question an empty reply marked interrupted; false if it has a reply. */
  interrupt(questionId: number, reason: string): boolean {
    return this.interruptStatement.run(reason, this.now(), questionId).changes === 1;
  }

  /** A conversation's messages strictly between two ids, newest first, read lazily so callers can stop early. */
  *newestFirst(conversationId: number, afterId: number, beforeId: number): Generator<StoredMessage> {
    for (const row of this.newestFirstStatement.iterate(conversationId, afterId, beforeId)) {
      yield messageSchema.parse(row);
    }
  }

  *oldestFirst(conversationId: number, afterId: number, beforeId: number): Generator<StoredMessage> {
    for (const row of this.oldestFirstStatement.iterate(conversationId, afterId, beforeId)) {
      yield messageSchema.parse(row);
    }
  }

  /** How many of these message ids still exist. */
  countExisting(ids: readonly number[]): number {
    return z
      .number()
      .int()
      .parse(this.countIds.get(JSON.stringify(ids)));
  }

  all(conversationId: number): StoredMessage[] {
    return this.inConversation.all(conversationId).map((row) => messageSchema.parse(row));
  }
}
