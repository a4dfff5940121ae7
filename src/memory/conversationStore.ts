import type { Database, Statement } from "better-sqlite3";
import {
  type ConversationAddress,
  channelScopeKey,
  conversationKey,
} from "../conversation/conversationAddress.js";
import { conversationColumns, conversationSchema, rowIdSchema, type StoredConversation } from "./rows.js";

/** Conversations and the scopes (channels, DMs) they belong to. */
export class ConversationStore {
  private readonly byKey: Statement<[string]>;
  private readonly byId: Statement<[number]>;
  private readonly insertScope: Statement<[string]>;
  private readonly scopeIdByKey: Statement<[string]>;
  private readonly insertConversation: Statement<
    [string, number, string, string | null, string, string | null, number]
  >;
  private readonly deleteById: Statement<[number]>;
  private readonly deleteWithoutMessages: Statement<[]>;
  private readonly deleteUnusedScopes: Statement<[]>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {
    this.byKey = db.prepare(`SELECT ${conversationColumns} FROM conversations WHERE key = ?`);
    this.byId = db.prepare(`SELECT ${conversationColumns} FROM conversations WHERE id = ?`);
    this.insertScope = db.prepare("INSERT INTO scopes (key) VALUES (?) ON CONFLICT (key) DO NOTHING");
    this.scopeIdByKey = db.prepare("SELECT id FROM scopes WHERE key = ?").pluck();
    this.insertConversation = db.prepare(
      `INSERT INTO conversations (key, scope_id, platform, space, channel, thread, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${conversationColumns}`,
    );
    this.deleteById = db.prepare("DELETE FROM conversations WHERE id = ?");
    this.deleteWithoutMessages = db.prepare(
      "DELETE FROM conversations WHERE NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = conversations.id)",
    );
    this.deleteUnusedScopes = db.prepare(
      "DELETE FROM scopes WHERE NOT EXISTS (SELECT 1 FROM conversations WHERE scope_id = scopes.id)",
    );
  }

  find(address: ConversationAddress): StoredConversation | null {
    return parse(this.byKey.get(conversationKey(address)));
  }

  findById(id: number): StoredConversation | null {
    return parse(this.byId.get(id));
  }

  /** The id of the channel (or DM) scope this address belongs to; null before its first message. */
  scopeIdOf(address: ConversationAddress): number | null {
    const id = this.scopeIdByKey.get(channelScopeKey(address));
    return id === undefined ? null : rowIdSchema.parse(id);
  }

  /** The conversation at this address, created (with its scope) on first use. */
  ensure(address: ConversationAddress): StoredConversation {
    return this.db.transaction(() => {
      const existing = this.find(address);
      if (existing !== null) return existing;
      const scopeKey = channelScopeKey(address);
      this.insertScope.run(scopeKey);
      const scopeId = rowIdSchema.parse(this.scopeIdByKey.get(scopeKey));
      const created = this.insertConversation.get(
        conversationKey(address),
        scopeId,
        address.platform,
        address.space,
        address.channel,
        address.thread,
        this.now(),
      );
      return conversationSchema.parse(created);
    })();
  }

  /** Deletes a conversation and, by cascade, its messages, analyses and summary. */
  delete(id: number): void {
    this.deleteById.run(id);
    this.deleteUnusedScopes.run();
  }

  /** Removes conversations left without messages (after forgetting or pruning) and unused scopes. */
  deleteEmpty(): number {
    const removed = this.deleteWithoutMessages.run().changes;
    this.deleteUnusedScopes.run();
    return removed;
  }
}

function parse(row: unknown): StoredConversation | null {
  return row === undefined ? null : conversationSchema.parse(row);
}
