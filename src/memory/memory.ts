import { statSync } from "node:fs";
import { type Database, SqliteError } from "better-sqlite3";
import { z } from "zod";
import {
  type ConversationAddress,
  channelScopeKey,
  conversationKey,
} from "../conversation/conversationAddress.js";
import { GuruError } from "../errors.js";
import { type AnalysisInput, AnalysisStore } from "./analysisStore.js";
import { BackgroundCheckpoints } from "./backgroundCheckpoints.js";
import { type Context, ContextBuilder } from "./contextBuilder.js";
import { type ConversationSize, ConversationSizes } from "./conversationSizes.js";
import { ConversationStore } from "./conversationStore.js";
import { openDatabase } from "./database.js";
import { EventLedger } from "./eventLedger.js";
import { type FoldRequest, HistoryFolder, type Summarize } from "./historyFolder.js";
import {
  MessageStore,
  type ReadMessageInput,
  type ReplyInput,
  type UserMessageInput,
} from "./messageStore.js";
import { type OrphanedQuestion, PendingReplies, type ReplyMode } from "./pendingReplies.js";
import { PersonaStore, type StoredPersona } from "./personaStore.js";
import { heartbeatMs, ProcessLease } from "./processLease.js";
import { type PruneResult, Retention } from "./retention.js";
import type { StoredAnalysis, StoredMessage } from "./rows.js";
import { type AnsweredQuestion, ShownReplies } from "./shownReplies.js";
import { SummaryStore } from "./summaryStore.js";
import {
  type ConversationMemory,
  type ForgetResult,
  UserData,
  type UserExport,
  type UserRef,
} from "./userData.js";

export type { AnalysisInput } from "./analysisStore.js";
export type { Context, ContextAnalysis, ContextTurn, MemoryScope } from "./contextBuilder.js";
export type { ConversationSize } from "./conversationSizes.js";
export type { FoldRequest, Summarize } from "./historyFolder.js";
export type { ReadMessageInput, ReplyInput, UserMessageInput } from "./messageStore.js";
export type { OrphanedQuestion, ReplyMode } from "./pendingReplies.js";
export type { StoredPersona } from "./personaStore.js";
export type { PruneResult } from "./retention.js";
export type { MessageStatus, StoredAnalysis, StoredMessage, StoredSummary } from "./rows.js";
export type { AnsweredQuestion } from "./shownReplies.js";
export type {
  ConversationMemory,
  ExportedConversation,
  ForgetResult,
  UserExport,
  UserRef,
} from "./userData.js";

export const defaultDatabasePath = "data/guru.db";

const settingsSchema = z.object({
  path: z.string().min(1).default(defaultDatabasePath),
  busyTimeoutMs: z.number().int().nonnegative().default(5000),
  // Only ever narrower than the channel: there is deliberately no wider option to configure.
  scope: z.enum(["channel", "thread"]).default("channel"),
  /** null keeps everything. */
  retentionDays: z.number().positive().nullable().default(null),
  /**
   * "background": WAL checkpoints run on a thread of their own, so no commit waits for one (a
   * long-running Guru); "inline": SQLite's default, inside the commit that fills the log.
   */
  checkpoints: z.enum(["inline", "background"]).default("inline"),
});

export type MemorySettings = z.input<typeof settingsSchema>;

export interface MemoryOptions extends MemorySettings {
  countTokens: (text: string) => number;
  summarize: Summarize;
  /**
   * The most turn tokens one summarizer call can be given: a long history is folded in as few calls
   * as that allows (each one a generation the asker waits for). Unset, a chunk is the history share
   * of the answer's budget, often far less.
   */
  foldChunkTokens?: number;
  now?: () => number;
  /** Told why background checkpoints stopped (SQLite then checkpoints inline again). */
  onCheckpointFailure?: (message: string) => void;
}

export interface InboundInput extends UserMessageInput {
  address: ConversationAddress;
  /** The platform event that delivered the message: claimed in the same transaction as the insert. */
  eventId?: string;
  /** What the question asks for ("ask" unless said), so another process can answer it the same way. */
  mode?: ReplyMode;
  /** The front's opaque note of where the reply will show; without one only this process can show it. */
  replyLocator?: string;
  /** Messages read around it, oldest first: stored before it, once each (by platform id). */
  read?: readonly ReadMessageInput[];
}

/** `isNew` false: a redelivery, whose message is the one already stored (null if since forgotten). */
export type InboundResult =
  | { isNew: true; message: StoredMessage }
  | { isNew: false; message: StoredMessage | null };

/**
 * Guru's memory: one SQLite file holding conversations, messages, analyses and handled event ids.
 * Everything is synchronous except folding history, which waits on the summarizer.
 */
export class Memory {
  private readonly db: Database;
  private readonly now: () => number;
  private readonly conversations: ConversationStore;
  private readonly sizes: ConversationSizes;
  private readonly messages: MessageStore;
  private readonly analyses: AnalysisStore;
  private readonly events: EventLedger;
  private readonly contextBuilder: ContextBuilder;
  private readonly folder: HistoryFolder;
  private readonly retention: Retention;
  private readonly userData: UserData;
  private readonly lease: ProcessLease;
  private readonly pending: PendingReplies;
  private readonly personas: PersonaStore;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly shown: ShownReplies;
  private readonly checkpoints: BackgroundCheckpoints | null;

  /** Opens the database (migrating it) and prunes what the retention period has expired. */
  constructor(options: MemoryOptions) {
    const parsed = settingsSchema.safeParse(options);
    if (!parsed.success) {
      throw new GuruError("CONFIG_INVALID", `Invalid memory settings: ${z.prettifyError(parsed.error)}`);
    }
    const settings = parsed.data;
    this.now = options.now ?? Date.now;
    this.db = openDatabase(settings);
    const { countTokens } = options;
    this.conversations = new ConversationStore(this.db, this.now);
    this.sizes = new ConversationSizes(this.db);
    this.messages = new MessageStore(this.db, countTokens, this.now);
    this.analyses = new AnalysisStore(this.db, countTokens, this.now);
    this.events = new EventLedger(this.db, this.now);
    const summaries = new SummaryStore(this.db, countTokens, this.now);
    this.contextBuilder = new ContextBuilder(
      this.conversations,
      this.messages,
      this.analyses,
      summaries,
      settings.scope,
    );
    this.folder = new HistoryFolder(
      this.db,
      this.conversations,
      this.messages,
      summaries,
      options.summarize,
      options.foldChunkTokens ?? 0,
    );
    this.retention = new Retention(this.db, this.conversations, this.events, settings.retentionDays);
    this.userData = new UserData(this.db, this.conversations, this.messages, this.analyses, summaries);
    this.lease = this.guard("register this process", () => new ProcessLease(this.db, this.now));
    this.pending = new PendingReplies(this.db, this.lease);
    this.personas = new PersonaStore(this.db, this.now);
    this.shown = new ShownReplies(this.db, countTokens);
    this.heartbeat = setInterval(() => this.renewLease(), heartbeatMs);
    this.heartbeat.unref();
    this.pruneExpired();
    this.checkpoints =
      settings.checkpoints === "background" && settings.path !== ":memory:"
        ? new BackgroundCheckpoints(
            this.db,
            { path: settings.path, busyTimeoutMs: settings.busyTimeoutMs },
            options.onCheckpointFailure ?? (() => {}),
          )
        : null;
  }

  /** True the first time a platform event id is seen, false for a redelivery. */
  claimEvent(eventId: string): boolean {
    return this.guard("record the event", () => this.events.claim(eventId));
  }

  /** Stores an accepted message before generation starts; a message or event seen before is not stored again. */
  recordInbound(input: InboundInput): InboundResult {
    return this.guard("store the message", () =>
      this.db
        .transaction((): InboundResult => {
          const conversation = this.conversations.ensure(input.address);
          if (input.eventId !== undefined && !this.events.claim(input.eventId)) {
            return {
              isNew: false,
              message: this.messages.findByPlatformId(conversation, input.platformMessageId),
            };
          }
          for (const message of input.read ?? []) {
            if (message.platformMessageId !== input.platformMessageId)
              this.messages.insertRead(conversation, message);
          }
          const stored = this.messages.insertUser(conversation, input);
          if (stored.isNew) {
            this.pending.add(
              stored.message.id,
              input.address.platform,
              input.mode ?? "ask",
              input.eventId ?? null,
              input.replyLocator ?? null,
            );
          }
          return stored;
          // Immediate: it reads before it writes, and another process (a second `guru mcp`, the CLI)
          // may write in between; taking the write lock first makes that a wait, not SQLITE_BUSY.
        })
        .immediate(),
    );
  }

  /** The platform id of the newest message stored at `address` (null before any): a front reads only newer ones. */
  lastPlatformMessageId(address: ConversationAddress): string | null {
    return this.guard("read the conversation", () => {
      const conversation = this.conversations.find(address);
      return conversation === null ? null : this.messages.lastPlatformMessageId(conversation.id);
    });
  }

  /** Stores a reply, complete or cut short; null when the question has been forgotten meanwhile. */
  recordReply(input: ReplyInput): StoredMessage | null {
    return this.guard("store the reply", () => this.messages.insertReply(input));
  }

  /** The question asked at `address` as the platform's message `platformMessageId`, with its reply; null if not kept. */
  answeredQuestion(address: ConversationAddress, platformMessageId: string): AnsweredQuestion | null {
    return this.guard("read the conversation", () => {
      const conversation = this.conversations.find(address);
      const question = conversation && this.messages.findByPlatformId(conversation, platformMessageId);
      return question && question.role === "user" ? this.shown.answered(question) : null;
    });
  }

  /**
   * Replaces a question's reply with a regenerated one, and its analysis with the new one's (in one
   * transaction); false when the question or its reply has been forgotten meanwhile.
   */
  replaceReply(input: ReplyInput, analysis?: AnalysisInput): boolean {
    return this.guard("store the reply", () =>
      this.db.transaction(() => {
        if (!this.shown.replace(input)) return false;
        if (analysis) this.analyses.insert(analysis);
        return true;
      })(),
    );
  }

  /** Notes where the reply to the question `eventId` delivered shows, once the front has put it there. */
  locateReply(eventId: string, locator: string): boolean {
    return this.guard("note where the reply shows", () => this.pending.locate(eventId, locator));
  }

  /**
   * Takes over, once, the `platform`'s questions that a dead process accepted and never answered
   * and whose reply shows somewhere; no other process gets them, and no live process's question.
   */
  claimOrphans(platform: string): OrphanedQuestion[] {
    return this.guard("take over unanswered questions", () => this.pending.claimOrphans(platform));
  }

  /**
   * Questions a dead process left with no place to show a reply (a terminal, an MCP call, an older
   * Guru) get an empty reply marked interrupted. Returns how many.
   */
  interruptUnplacedOrphans(reason: string): number {
    return this.guard("mark unanswered messages", () =>
      this.db
        .transaction(
          () => this.pending.unplacedOrphans().filter((id) => this.messages.interrupt(id, reason)).length,
        )
        .immediate(),
    );
  }

  /** Stores an analysis; null when the message it answered has been forgotten meanwhile. */
  recordAnalysis(input: AnalysisInput): StoredAnalysis | null {
    return this.guard("store the analysis", () => this.analyses.insert(input));
  }

  /** The history and relevant prior analyses for answering `question`, within `budget` tokens. */
  buildContext(question: StoredMessage, budget: number, maxAnalyses = 5): Context {
    return this.guard("read the conversation", () =>
      this.contextBuilder.build(question, budget, maxAnalyses),
    );
  }

  /**
   * Prior analyses matching `query`, best first, from where a question at `address` could see them
   * (its channel or DM, or only its own conversation with the "thread" scope); never another scope.
   */
  searchAnalyses(address: ConversationAddress, query: string, limit: number): StoredAnalysis[] {
    return this.guard("search the analyses", () => this.contextBuilder.searchAt(address, query, limit));
  }

  /** Folds turns that no longer fit `budget` into the rolling summary; resolves to how many were folded. */
  async foldHistory(address: ConversationAddress, budget: number, request: FoldRequest): Promise<number> {
    try {
      return await this.folder.fold(address, budget, request);
    } catch (cause) {
      // The summarizer's own failures (the engine's GuruErrors) pass through as they are.
      if (cause instanceof SqliteError || cause instanceof z.ZodError) {
        throw toGuruError("fold the conversation history", cause);
      }
      throw cause;
    }
  }

  remembered(address: ConversationAddress): ConversationMemory | null {
    return this.guard("read the conversation", () => this.userData.remembered(address));
  }

  /** Every conversation kept, on every platform, with its size (the console's owner sees them all). */
  conversationSizes(): ConversationSize[] {
    return this.guard("list the conversations", () => this.sizes.all());
  }

  forgetConversation(address: ConversationAddress): boolean {
    return this.guard("forget the conversation", () => this.userData.forgetConversation(address));
  }

  forgetUser(user: UserRef): ForgetResult {
    return this.guard("forget your data", () => this.userData.forgetUser(user));
  }

  exportUser(user: UserRef): UserExport {
    return this.guard("export your data", () => this.userData.exportUser(user, this.now()));
  }

  /** Sets the persona of `address` itself: its thread when it has one, else its channel (or DM). */
  setPersona(address: ConversationAddress, text: string, changedBy: string): StoredPersona {
    return this.guard("store the persona", () =>
      this.personas.set(conversationKey(address), text, changedBy),
    );
  }

  /** The persona in force at `address`: its conversation's, else its channel's; null when none is set. */
  persona(address: ConversationAddress): StoredPersona | null {
    return this.guard("read the persona", () =>
      this.personas.find([conversationKey(address), channelScopeKey(address)]),
    );
  }

  /** Removes the persona of `address` itself; true when there was one. */
  removePersona(address: ConversationAddress): boolean {
    return this.guard("remove the persona", () => this.personas.remove(conversationKey(address)));
  }

  pruneExpired(): PruneResult {
    return this.guard("prune old memory", () => this.retention.prune(this.now()));
  }

  /** Runs several writes as one commit: all of them are kept, or none. */
  transaction<T>(work: () => T): T {
    return this.guard("store the changes", () => this.db.transaction(work).immediate());
  }

  /** The database's size on disk, its write-ahead log included (what a disk fills with). */
  databaseBytes(): number {
    const { name } = this.db;
    if (name === ":memory:") return 0;
    return [name, `${name}-wal`].reduce(
      (sum, file) => sum + (statSync(file, { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.checkpoints?.close();
    this.guard("close the database", () => {
      this.lease.release();
      this.db.pragma("optimize");
      this.db.close();
    });
  }

  private renewLease(): void {
    try {
      this.lease.renew();
    } catch {
      // A locked or full database: the next heartbeat tries again, well within the lease.
    }
  }

  private guard<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (cause) {
      throw toGuruError(action, cause);
    }
  }
}

function toGuruError(action: string, cause: unknown): GuruError {
  if (cause instanceof GuruError) return cause;
  return new GuruError("DATABASE_FAILED", `Memory could not ${action}: ${databaseProblem(cause)}`, { cause });
}

/** What a person can do about the failure; SQLite's own codes say which case it is. */
function databaseProblem(cause: unknown): string {
  const code = cause instanceof SqliteError ? cause.code : "";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return "the database is locked by another program. Try again in a moment.";
  }
  if (code.startsWith("SQLITE_FULL"))
    return "the disk is full. Free some space where GURU_DATA_DIR points, then try again.";
  // A disk quota (EDQUOT) or file-size limit (EFBIG) reaches SQLite as a failed write, not as FULL.
  if (code === "SQLITE_IOERR_WRITE") {
    return "writing failed: the disk is full, over its quota or size limit, or failing. Free some space where GURU_DATA_DIR points, then try again.";
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN")) {
    return "the database file cannot be written. Check the permissions of GURU_DATA_DIR.";
  }
  return "an unexpected database error. Nothing was changed; try again, and run `guru doctor` if it persists.";
}
