import type { ConversationAddress } from "../conversation/conversationAddress.js";
import type { AnalysisStore, SearchScope } from "./analysisStore.js";
import { analysesShare } from "./budget.js";
import type { ConversationStore } from "./conversationStore.js";
import type { MessageStore } from "./messageStore.js";
import type { MessageStatus, StoredAnalysis, StoredConversation, StoredMessage } from "./rows.js";
import type { SummaryStore } from "./summaryStore.js";

/**
 * How far memory reaches beyond a conversation. "channel": a thread also sees the analyses of its
 * channel (a DM sees its DM). "thread": a conversation sees only its own. Nothing wider exists: a DM
 * never reaches a channel, a channel never another channel, a workspace never another workspace.
 */
export type MemoryScope = "channel" | "thread";

export type ContextTurn = Pick<
  StoredMessage,
  "role" | "author" | "text" | "origin" | "authorName" | "authorKind" | "documents"
> & {
  /** "interrupted" or "failed" replies carry the partial text the person saw. */
  status: MessageStatus;
};

export interface ContextAnalysis {
  id: number;
  summary: string;
  json: string;
  confidence: number;
  createdAt: number;
}

export interface Context {
  /** The rolling summary of turns older than `turns`, if any. */
  summary: string | null;
  /** Oldest to newest; the newest are kept first when the budget runs out. */
  turns: ContextTurn[];
  /** Most relevant first. */
  analyses: ContextAnalysis[];
  tokensUsed: number;
  /** Older turns no summary covers were left out: call `foldHistory` so they are not lost. */
  foldPending: boolean;
}

export class ContextBuilder {
  constructor(
    private readonly conversations: ConversationStore,
    private readonly messages: MessageStore,
    private readonly analyses: AnalysisStore,
    private readonly summaries: SummaryStore,
    private readonly scope: MemoryScope,
  ) {}

  /**
   * What to show the model when answering `question` (already stored): the history before it and the
   * prior analyses of the same scope most relevant to it, within `budget` tokens.
   */
  build(question: StoredMessage, budget: number, maxAnalyses: number): Context {
    const conversation = this.conversations.findById(question.conversationId);
    if (conversation === null) {
      return { summary: null, turns: [], analyses: [], tokensUsed: 0, foldPending: false };
    }

    const analyses = fitInBudget(
      this.analyses.search(this.searchScope(conversation), question.text, maxAnalyses),
      analysesShare(budget),
    );
    const analysesTokens = sumTokens(analyses);
    let remaining = Math.max(0, budget) - analysesTokens;

    const stored = this.summaries.find(conversation.id);
    // A summary too large for the budget is left out; the summarizer is expected to stay brief.
    const summary = stored !== null && stored.tokenCount <= remaining ? stored : null;
    remaining -= summary?.tokenCount ?? 0;

    const turns: StoredMessage[] = [];
    let foldPending = false;
    for (const message of this.messages.newestFirst(
      conversation.id,
      stored?.throughMessageId ?? 0,
      question.id,
    )) {
      if (message.tokenCount > remaining) {
        foldPending = true;
        break;
      }
      turns.push(message);
      remaining -= message.tokenCount;
    }
    turns.reverse();

    return {
      summary: summary?.text ?? null,
      turns: turns.map(({ role, author, text, status, origin, authorName, authorKind, documents }) => ({
        role,
        author,
        text,
        status,
        origin,
        authorName,
        authorKind,
        documents,
      })),
      analyses: analyses.map(({ id, summary, json, confidence, createdAt }) => ({
        id,
        summary,
        json,
        confidence,
        createdAt,
      })),
      tokensUsed: analysesTokens + (summary?.tokenCount ?? 0) + sumTokens(turns),
      foldPending,
    };
  }

  /**
   * The prior analyses most relevant to `text` that a question at `address` could be shown: the same
   * scope as `build`, so a search never reaches further than an answer's context does.
   */
  searchAt(address: ConversationAddress, text: string, limit: number): StoredAnalysis[] {
    if (this.scope === "thread") {
      const conversation = this.conversations.find(address);
      return conversation === null ? [] : this.analyses.search(this.searchScope(conversation), text, limit);
    }
    const scopeId = this.conversations.scopeIdOf(address);
    return scopeId === null ? [] : this.analyses.search({ scopeId }, text, limit);
  }

  private searchScope(conversation: StoredConversation): SearchScope {
    return this.scope === "thread"
      ? { scopeId: conversation.scopeId, conversationId: conversation.id }
      : { scopeId: conversation.scopeId };
  }
}

/** Best first, skipping any that would overflow: analyses are independent of one another. */
function fitInBudget(ranked: StoredAnalysis[], budget: number): StoredAnalysis[] {
  const kept: StoredAnalysis[] = [];
  let used = 0;
  for (const analysis of ranked) {
    if (used + analysis.tokenCount > budget) continue;
    kept.push(analysis);
    used += analysis.tokenCount;
  }
  return kept;
}

function sumTokens(rows: readonly { tokenCount: number }[]): number {
  return rows.reduce((total, row) => total + row.tokenCount, 0);
}
