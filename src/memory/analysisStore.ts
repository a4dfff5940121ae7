import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";
import { analysisColumns, analysisSchema, type StoredAnalysis } from "./rows.js";
import { indexedText, scopedQuery } from "./searchTerms.js";

export interface AnalysisInput {
  /** The id of the stored message the analysis answered. */
  answeredMessageId: number;
  schemaVersion: number;
  /** The structured result, already validated by the caller against its schema. */
  json: string;
  /** 0..1 */
  confidence: number;
  /** What a later answer is shown of this analysis; its tokens count against the context budget. */
  summary: string;
  /** What later questions are matched against. */
  searchText: string;
}

/** Where a search may look: a whole channel (or DM), or one conversation only. */
export type SearchScope = { scopeId: number } | { scopeId: number; conversationId: number };

const answeredMessageSchema = z.object({ conversationId: z.number().int(), scopeId: z.number().int() });

export class AnalysisStore {
  private readonly answeredMessage: Statement<[number]>;
  private readonly insertAnalysis: Statement<
    [number, number, number, string, string, number, number, number]
  >;
  private readonly insertSearchEntry: Statement<[number, string, string]>;
  private readonly searchStatement: Statement<[SearchParameters]>;
  private readonly inConversation: Statement<[number]>;

  constructor(
    private readonly db: Database,
    private readonly countTokens: (text: string) => number,
    private readonly now: () => number,
  ) {
    this.answeredMessage = db.prepare(
      "SELECT conversation_id AS conversationId, scope_id AS scopeId FROM messages WHERE id = ?",
    );
    this.insertAnalysis = db.prepare(
      `INSERT INTO analyses
         (conversation_id, answered_message_id, schema_version, json, summary, confidence, token_count, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING ${analysisColumns}`,
    );
    this.insertSearchEntry = db.prepare(
      "INSERT INTO analyses_fts (rowid, conversation, body) VALUES (?, ?, ?)",
    );
    // The scope-prefixed terms already confine hits to the scope; the outer filter re-checks it against
    // the conversations table so a wrong index entry could never leak across a boundary. It looks up
    // each hit's conversation: listing the scope's conversations instead costs what the channel holds.
    this.searchStatement = db.prepare(
      `WITH hits AS (
         SELECT rowid AS hit_id, bm25(analyses_fts, 0.0, 1.0) AS score
         FROM analyses_fts WHERE analyses_fts MATCH @match
         ORDER BY score, rowid DESC LIMIT @limit
       )
       SELECT ${analysisColumns} FROM hits JOIN analyses ON analyses.id = hits.hit_id
       WHERE EXISTS (
           SELECT 1 FROM conversations
           WHERE conversations.id = analyses.conversation_id AND conversations.scope_id = @scopeId
         )
         AND (@conversationId IS NULL OR conversation_id = @conversationId)
       ORDER BY score, hit_id DESC`,
    );
    this.inConversation = db.prepare(
      `SELECT ${analysisColumns} FROM analyses WHERE conversation_id = ? ORDER BY id`,
    );
  }

  /** Stores an analysis and indexes it for search; null when the answered message has been forgotten. */
  insert(input: AnalysisInput): StoredAnalysis | null {
    return this.db.transaction(() => {
      const answered = this.answeredMessage.get(input.answeredMessageId);
      if (answered === undefined) return null;
      const { conversationId, scopeId } = answeredMessageSchema.parse(answered);
      const analysis = analysisSchema.parse(
        this.insertAnalysis.get(
          conversationId,
          input.answeredMessageId,
          input.schemaVersion,
          input.json,
          input.summary,
          input.confidence,
          this.countTokens(input.summary),
          this.now(),
        ),
      );
      this.insertSearchEntry.run(
        analysis.id,
        conversationToken(conversationId),
        indexedText(scopeId, input.searchText),
      );
      return analysis;
    })();
  }

  /** The analyses in `scope` most relevant to `text` (BM25), best first; none for text with no searchable word. */
  search(scope: SearchScope, text: string, limit: number): StoredAnalysis[] {
    const terms = scopedQuery(scope.scopeId, text);
    if (terms === null || limit <= 0) return [];
    const inConversation = "conversationId" in scope;
    return this.searchStatement
      .all({
        match: inConversation
          ? `conversation : "${conversationToken(scope.conversationId)}" AND body : (${terms})`
          : `body : (${terms})`,
        limit,
        scopeId: scope.scopeId,
        conversationId: inConversation ? scope.conversationId : null,
      })
      .map((row) => analysisSchema.parse(row));
  }

  all(conversationId: number): StoredAnalysis[] {
    return this.inConversation.all(conversationId).map((row) => analysisSchema.parse(row));
  }
}

interface SearchParameters {
  match: string;
  limit: number;
  scopeId: number;
  conversationId: number | null;
}

function conversationToken(conversationId: number): string {
  return `c${conversationId}`;
}
