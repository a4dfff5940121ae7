import type { Database, Statement } from "better-sqlite3";
import type { ConversationAddress } from "../conversation/conversationAddress.js";
import type { AnalysisStore } from "./analysisStore.js";
import type { ConversationStore } from "./conversationStore.js";
import type { MessageStore } from "./messageStore.js";
import {
  analysisColumns,
  analysisSchema,
  conversationColumns,
  conversationSchema,
  countSchema,
  type MessageStatus,
  messageColumns,
  messageSchema,
  type StoredAnalysis,
  type StoredMessage,
  type StoredSummary,
} from "./rows.js";
import type { SummaryStore } from "./summaryStore.js";

/** A person, as their platform knows them: the `author` of their messages. */
export interface UserRef {
  platform: string;
  author: string;
}

export interface ConversationMemory {
  key: string;
  summary: StoredSummary | null;
  messages: StoredMessage[];
  analyses: StoredAnalysis[];
}

export interface ForgetResult {
  messages: number;
  analyses: number;
}

export interface UserExport {
  exportedAt: string;
  user: UserRef;
  conversations: ExportedConversation[];
}

export interface ExportedConversation {
  key: string;
  platform: string;
  space: string | null;
  channel: string;
  thread: string | null;
  /** The person's messages (asked, or read in a thread) and the replies Guru gave them. */
  messages: {
    id: number;
    role: "user" | "assistant";
    author: string;
    text: string;
    status: MessageStatus;
    statusReason: string | null;
    replyTo: number | null;
    createdAt: string;
    /** "read": a message Guru read around a question (a thread), not one addressed to it. */
    origin: "asked" | "read";
    /** Files read with the message. */
    documents: StoredMessage["documents"];
  }[];
  /** The analyses made of the person's messages. */
  analyses: {
    id: number;
    answeredMessageId: number;
    schemaVersion: number;
    confidence: number;
    summary: string;
    result: unknown;
    createdAt: string;
  }[];
}

/** The ids of one person's own messages, on one platform. */
const mine = `mine AS (
  SELECT messages.id, messages.conversation_id FROM messages
  JOIN conversations ON conversations.id = messages.conversation_id
  WHERE messages.role = 'user' AND messages.author = @author AND conversations.platform = @platform
)`;

/** What Guru remembers, shown to and removed at the request of the people concerned. */
export class UserData {
  private readonly myMessages: Statement<[UserRef]>;
  private readonly myAnalyses: Statement<[UserRef]>;
  private readonly myConversations: Statement<[UserRef]>;
  private readonly countMyMessages: Statement<[UserRef]>;
  private readonly countMyAnalyses: Statement<[UserRef]>;
  private readonly deleteMySummaries: Statement<[UserRef]>;
  private readonly deleteMyMessages: Statement<[UserRef]>;

  constructor(
    private readonly db: Database,
    private readonly conversations: ConversationStore,
    private readonly messages: MessageStore,
    private readonly analyses: AnalysisStore,
    private readonly summaries: SummaryStore,
  ) {
    const theirMessages = "(id IN (SELECT id FROM mine) OR reply_to IN (SELECT id FROM mine))";
    this.myMessages = db.prepare(
      `WITH ${mine} SELECT ${messageColumns} FROM messages WHERE ${theirMessages} ORDER BY id`,
    );
    this.countMyMessages = db.prepare(
      `WITH ${mine} SELECT COUNT(*) AS count FROM messages WHERE ${theirMessages}`,
    );
    const theirAnalyses = "answered_message_id IN (SELECT id FROM mine)";
    this.myAnalyses = db.prepare(
      `WITH ${mine} SELECT ${analysisColumns} FROM analyses WHERE ${theirAnalyses} ORDER BY id`,
    );
    this.countMyAnalyses = db.prepare(
      `WITH ${mine} SELECT COUNT(*) AS count FROM analyses WHERE ${theirAnalyses}`,
    );
    this.myConversations = db.prepare(
      `WITH ${mine} SELECT ${conversationColumns} FROM conversations
       WHERE id IN (SELECT conversation_id FROM mine) ORDER BY id`,
    );
    this.deleteMySummaries = db.prepare(
      `WITH ${mine} DELETE FROM summaries WHERE conversation_id IN (SELECT conversation_id FROM mine)`,
    );
    this.deleteMyMessages = db.prepare(`WITH ${mine} DELETE FROM messages WHERE id IN (SELECT id FROM mine)`);
  }

  remembered(address: ConversationAddress): ConversationMemory | null {
    const conversation = this.conversations.find(address);
    if (conversation === null) return null;
    return {
      key: conversation.key,
      summary: this.summaries.find(conversation.id),
      messages: this.messages.all(conversation.id),
      analyses: this.analyses.all(conversation.id),
    };
  }

  forgetConversation(address: ConversationAddress): boolean {
    const conversation = this.conversations.find(address);
    if (conversation === null) return false;
    this.conversations.delete(conversation.id);
    return true;
  }

  /**
   * Deletes a person's messages everywhere, with the replies to them and the analyses of them. The
   * rolling summaries of their conversations go too: a summary blends everyone's words and cannot be
   * unpicked, so it is rebuilt from what remains.
   */
  forgetUser(user: UserRef): ForgetResult {
    return this.db.transaction(() => {
      const result = {
        messages: countSchema.parse(this.countMyMessages.get(user)).count,
        analyses: countSchema.parse(this.countMyAnalyses.get(user)).count,
      };
      this.deleteMySummaries.run(user);
      this.deleteMyMessages.run(user);
      this.conversations.deleteEmpty();
      return result;
    })();
  }

  exportUser(user: UserRef, now: number): UserExport {
    return this.db.transaction(() => {
      const messages = this.myMessages.all(user).map((row) => messageSchema.parse(row));
      const analyses = this.myAnalyses.all(user).map((row) => analysisSchema.parse(row));
      const conversations = this.myConversations.all(user).map((row) => conversationSchema.parse(row));
      return {
        exportedAt: new Date(now).toISOString(),
        user: { platform: user.platform, author: user.author },
        conversations: conversations.map((conversation) => ({
          key: conversation.key,
          platform: conversation.platform,
          space: conversation.space,
          channel: conversation.channel,
          thread: conversation.thread,
          messages: messages
            .filter((message) => message.conversationId === conversation.id)
            .map((message) => ({
              id: message.id,
              role: message.role,
              author: message.author,
              text: message.text,
              status: message.status,
              statusReason: message.statusReason,
              replyTo: message.replyTo,
              createdAt: new Date(message.createdAt).toISOString(),
              origin: message.origin,
              documents: message.documents,
            })),
          analyses: analyses
            .filter((analysis) => analysis.conversationId === conversation.id)
            .map((analysis) => ({
              id: analysis.id,
              answeredMessageId: analysis.answeredMessageId,
              schemaVersion: analysis.schemaVersion,
              confidence: analysis.confidence,
              summary: analysis.summary,
              result: JSON.parse(analysis.json) as unknown,
              createdAt: new Date(analysis.createdAt).toISOString(),
            })),
        })),
      };
    })();
  }
}
