import type { Database, Statement } from "better-sqlite3";
import type { ConversationStore } from "./conversationStore.js";
import type { EventLedger } from "./eventLedger.js";
import { countSchema } from "./rows.js";

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Event ids are kept a week whatever the retention: platforms redeliver within minutes, and the ids
 * are not anyone's content.
 */
const eventIdLifetimeMs = 7 * dayMs;

export interface PruneResult {
  /** Messages older than the retention period (their replies, analyses and summaries go with them). */
  messages: number;
  /** Conversations left empty and removed. */
  conversations: number;
  events: number;
}

export class Retention {
  private readonly countMessagesBefore: Statement<[number]>;
  private readonly deleteMessagesBefore: Statement<[number]>;

  constructor(
    private readonly db: Database,
    private readonly conversations: ConversationStore,
    private readonly events: EventLedger,
    private readonly retentionDays: number | null,
  ) {
    this.countMessagesBefore = db.prepare("SELECT COUNT(*) AS count FROM messages WHERE created_at < ?");
    this.deleteMessagesBefore = db.prepare("DELETE FROM messages WHERE created_at < ?");
  }

  prune(now: number): PruneResult {
    return this.db.transaction(() => {
      let messages = 0;
      if (this.retentionDays !== null) {
        const cutoff = now - this.retentionDays * dayMs;
        // Counted first: the DELETE's own count misses rows its cascade removed before it reached them.
        messages = countSchema.parse(this.countMessagesBefore.get(cutoff)).count;
        this.deleteMessagesBefore.run(cutoff);
      }
      return {
        messages,
        conversations: this.conversations.deleteEmpty(),
        events: this.events.prune(now - eventIdLifetimeMs),
      };
    })();
  }
}
