import type { Database } from "better-sqlite3";
import type { ConversationAddress } from "../conversation/conversationAddress.js";
import { historyShare } from "./budget.js";
import type { ConversationStore } from "./conversationStore.js";
import type { MessageStore } from "./messageStore.js";
import type { StoredMessage } from "./rows.js";
import type { SummaryStore } from "./summaryStore.js";

/**
 * Whom a fold is for: the summarizer's work is counted to the person whose question needed it
 * (never to a shared owner), and stops when they give up.
 */
export interface FoldRequest {
  readonly requester: string;
  readonly signal?: AbortSignal;
}

/** Produces the new rolling summary from the previous one and the turns to fold into it (oldest first). */
export type Summarize = (
  previousSummary: string | null,
  turns: StoredMessage[],
  request: FoldRequest,
) => Promise<string>;

export class HistoryFolder {
  constructor(
    private readonly db: Database,
    private readonly conversations: ConversationStore,
    private readonly messages: MessageStore,
    private readonly summaries: SummaryStore,
    private readonly summarize: Summarize,
    /** The most turn tokens one summarizer call takes (0: the budget's history share). */
    private readonly chunkTokens: number,
  ) {}

  /**
   * Folds the turns that no longer fit `budget` into the conversation's rolling summary, one
   * summarizer call per chunk (as many turns as one call takes, at least the budget's history
   * share), each stored as soon as it is made. The newest turns filling half the history share stay
   * unfolded, so a long thread is not refolded at every message. Returns how many turns were folded.
   */
  async fold(address: ConversationAddress, budget: number, request: FoldRequest): Promise<number> {
    let folded = 0;
    for (;;) {
      const conversation = this.conversations.find(address);
      if (conversation === null) return folded;
      const previous = this.summaries.find(conversation.id);
      const chunk = this.nextChunk(conversation.id, previous?.throughMessageId ?? 0, budget);
      const last = chunk.at(-1);
      if (last === undefined) return folded;

      const text = await this.summarize(previous?.text ?? null, chunk, request);

      const stored = this.db.transaction(() => {
        const current = this.summaries.find(conversation.id);
        // Another fold got there first, or something was forgotten while the summarizer ran: its
        // content must not come back inside a summary.
        if (current?.throughMessageId !== previous?.throughMessageId) return false;
        if (this.messages.countExisting(chunk.map((message) => message.id)) !== chunk.length) return false;
        this.summaries.save(conversation.id, text, last.id);
        return true;
      })();
      if (!stored) return folded;
      folded += chunk.length;
    }
  }

  /** The oldest unfolded turns, up to one chunk of tokens (at least one turn). */
  private nextChunk(conversationId: number, afterId: number, budget: number): StoredMessage[] {
    const keepTokens = Math.floor(historyShare(budget) / 2);
    let kept = 0;
    let oldestKeptId = Number.MAX_SAFE_INTEGER;
    for (const message of this.messages.newestFirst(conversationId, afterId, Number.MAX_SAFE_INTEGER)) {
      if (kept + message.tokenCount > keepTokens) break;
      kept += message.tokenCount;
      oldestKeptId = message.id;
    }

    const chunkLimit = Math.max(historyShare(budget), this.chunkTokens);
    const chunk: StoredMessage[] = [];
    let tokens = 0;
    for (const message of this.messages.oldestFirst(conversationId, afterId, oldestKeptId)) {
      if (chunk.length > 0 && tokens + message.tokenCount > chunkLimit) break;
      chunk.push(message);
      tokens += message.tokenCount;
    }
    return chunk;
  }
}
