import type { AssistantConfig, MemoryConfig } from "../config/configSchema.js";
import type { ConversationAddress } from "../conversation/conversationAddress.js";
import { conversationKey } from "../conversation/conversationAddress.js";
import type { ReadDocument } from "../conversation/readDocument.js";
import type { Engine, EngineStats } from "../engine/engine.js";
import type { ChatTurn, GenerationResult } from "../engine/generationTypes.js";
import { GuruError, isGuruError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type {
  ConversationMemory,
  ConversationSize,
  FoldRequest,
  ForgetResult,
  Memory,
  StoredAnalysis,
  StoredMessage,
  UserExport,
  UserRef,
} from "../memory/memory.js";
import { analysisFromGeneration } from "./analysisResult.js";
import {
  type CognitiveAnalysis,
  cognitiveAnalysisSchema,
  modelAnalysisJsonSchema,
} from "./cognitiveAnalysis.js";
import {
  type ConversationRequest,
  conversationRequestSchema,
  type ParsedConversationRequest,
  type RequestMode,
} from "./conversationRequest.js";
import { fitDocuments } from "./documentFit.js";
import { cleanInputText, isBlank } from "./inputText.js";
import { type InterruptedQuestion, restartedText } from "./interruptedQuestion.js";
import { type MemoryView, memoryViewOf } from "./memoryView.js";
import { type PersonaInForce, personaFor, personaText } from "./personas.js";
import { assembleTurns, type QuestionPrompt } from "./promptAssembly.js";
import { perTurnOverhead, promptMargin } from "./promptBudget.js";
import { readNotes, withReadNotes } from "./readNotes.js";
import type { Reply, ReplyUpdate } from "./replyUpdate.js";
import { outcomeOf, type RequestObserver } from "./requestObserver.js";
import { describeStatus, type StatusDescription } from "./statusDescription.js";

/** What the service needs of the engine (tests may wrap a real one to watch its requests). */
export type AnswerEngine = Pick<Engine, "generate" | "countTokens" | "countAhead" | "stats" | "refusal">;

export interface ConversationServiceOptions {
  readonly engine: AnswerEngine;
  readonly memory: Memory;
  readonly assistant: AssistantConfig;
  readonly memoryConfig: MemoryConfig;
  readonly contextSize: number;
  readonly maxTokens: number;
  readonly logger: Logger;
  /** Told of each request's start and outcome (the operations front's metrics). */
  readonly observer?: RequestObserver;
}

/** A prior analysis a search found, parsed back into the published object. */
export interface FoundAnalysis {
  readonly id: number;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly confidence: number;
  /** The digest later answers are shown. */
  readonly summary: string;
  readonly analysis: CognitiveAnalysis;
}

/** An analysis kept in a conversation, with the question it answered. */
export interface KeptAnalysis extends FoundAnalysis {
  readonly answeredMessageId: number;
}

export interface HandleOptions {
  readonly signal?: AbortSignal;
}

/** What a question's prompt is made of before history is fitted to the context. */
interface PromptPlan {
  readonly systemPrompt: string;
  readonly mode: RequestMode;
  readonly question: QuestionPrompt;
  /** Tokens the history may take. */
  readonly historyBudget: number;
}

/** The prompt's turns, or the history budget within which older history must first be folded. */
type FittedTurns = { readonly turns: ChatTurn[] } | { readonly foldWithin: number };

/** A stored question to answer: now, or after a restart. */
interface AcceptedQuestion {
  readonly question: StoredMessage;
  readonly text: string;
  /** Every file read with this request, as kept (cut to fit): the answer says which were cut. */
  readonly documents: readonly ReadDocument[];
  /** A regeneration: the new reply replaces the stored one instead of being added. */
  readonly replaces?: boolean;
  /** The persona admission read (a database read saved); looked up when absent. */
  readonly systemPrompt?: string;
}

/** What a Regenerate press came to: a new reply under way, or why not. */
export type Regeneration =
  | { readonly kind: "refused"; readonly reason: "notFound" | "unfinished" | "notAllowed" | "busy" }
  | {
      readonly kind: "regenerating";
      readonly mode: RequestMode;
      /** The question as asked. */
      readonly question: string;
      /** Read to the end: that stores the new reply in place of the old one. */
      readonly updates: AsyncGenerator<ReplyUpdate>;
      /** For a front that cannot show it after all: gives up the regeneration before reading `updates`. */
      readonly abandon: () => void;
    };

type Admission =
  | { readonly kind: "reply"; readonly update: ReplyUpdate }
  | ({ readonly kind: "generate" } & AcceptedQuestion);

export const helpText =
  "Ask me anything — mention me with your question, or use `analyze` for a structured analysis " +
  "(reasoning steps, patterns, recommendations and a computed confidence). " +
  "I remember this conversation; `forget` clears it and `memory` shows what I keep.";

/**
 * The one entry point every adapter calls: a platform-neutral request in, a stream of reply
 * updates out. It stores the question before generating, answers each platform event once,
 * builds the context from the same scope's memory only, and stores the answer — or what there
 * was of it, marked — whatever happens.
 */
export class ConversationService {
  /** Questions whose reply is being regenerated now: one regeneration at a time each. */
  private readonly regenerating = new Set<number>();

  constructor(private readonly options: ConversationServiceOptions) {}

  async *handle(raw: ConversationRequest, handleOptions: HandleOptions = {}): AsyncGenerator<ReplyUpdate> {
    const request = conversationRequestSchema.parse(raw);
    yield* this.observed(request, this.admitAndAnswer(request, handleOptions));
  }

  private async *admitAndAnswer(
    request: ParsedConversationRequest,
    handleOptions: HandleOptions,
  ): AsyncGenerator<ReplyUpdate> {
    // Awaited only when there is something to count: otherwise admission runs within this call.
    const countedAhead = this.countReadAhead(request);
    if (countedAhead) await countedAhead;
    let admission: Admission;
    try {
      admission = this.admit(request);
    } catch (error) {
      // Nothing was stored (the database refused), so the platform may safely deliver it again.
      yield failure(toGuruError(error, this.options.logger), "");
      return;
    }
    if (admission.kind === "reply") {
      yield admission.update;
      return;
    }
    yield* this.answer(request, admission, handleOptions.signal);
  }

  /**
   * Takes over the `platform`'s questions that a dead Guru process accepted and never answered (a
   * live process's are never taken, and each is taken once): each comes with its locator and its
   * reply — answered now when younger than `memory.resumeWithinMs`, else a note that Guru was
   * restarted. Reading `updates` to the end stores the reply, so show it as it comes.
   */
  claimInterrupted(platform: string): InterruptedQuestion[] {
    const { memory, memoryConfig } = this.options;
    const youngAfter = Date.now() - memoryConfig.resumeWithinMs;
    return memory.claimOrphans(platform).map(({ question, address, mode, locator, eventId }) => {
      const request: ParsedConversationRequest = {
        address,
        author: question.author,
        text: question.text,
        messageId: question.platformMessageId ?? String(question.id),
        eventId: `recovered:${question.id}`,
        mode,
        context: undefined,
      };
      const resumed = question.createdAt >= youngAfter;
      return {
        locator,
        eventId,
        mode,
        question: question.text,
        resumed,
        updates: resumed
          ? this.observed(
              request,
              this.answer(request, { question, text: question.text, documents: [] }, undefined),
            )
          : this.restartedNote(question),
      };
    });
  }

  /** Passes `updates` on, telling the observer when the request starts and how it ended. */
  private async *observed(
    request: ParsedConversationRequest,
    updates: AsyncGenerator<ReplyUpdate>,
  ): AsyncGenerator<ReplyUpdate> {
    const { observer } = this.options;
    if (!observer) return yield* updates;
    const front = request.address.platform;
    const startedAt = performance.now();
    let last: ReplyUpdate | undefined;
    this.tell(() => observer.requestStarted(front));
    try {
      for await (const update of updates) {
        last = update;
        yield update;
      }
    } finally {
      const durationMs = performance.now() - startedAt;
      this.tell(() =>
        observer.requestEnded({ front, mode: request.mode, outcome: outcomeOf(last), durationMs }),
      );
    }
  }

  /** An observer's failure is logged, never the request's. */
  private tell(notify: () => void): void {
    try {
      notify();
    } catch (error) {
      this.options.logger.warn("the request observer failed", { error });
    }
  }

  /**
   * A new reply to the question asked at `address` as the platform's message `messageId`, with the
   * same context (the history before it), to be shown in place of the old one and stored in its
   * place. Only a finished reply, only for its asker or an admin, one regeneration at a time.
   */
  regenerate(
    target: { readonly address: ConversationAddress; readonly messageId: string },
    by: { readonly requester: string; readonly isAdmin: boolean },
    handleOptions: HandleOptions = {},
  ): Regeneration {
    const answered = this.options.memory.answeredQuestion(target.address, target.messageId);
    if (!answered) return { kind: "refused", reason: "notFound" };
    const { question, reply, mode } = answered;
    if (reply?.status !== "complete") return { kind: "refused", reason: "unfinished" };
    if (question.author !== by.requester && !by.isAdmin) return { kind: "refused", reason: "notAllowed" };
    if (this.regenerating.has(question.id)) return { kind: "refused", reason: "busy" };
    this.regenerating.add(question.id);
    const request: ParsedConversationRequest = {
      address: target.address,
      author: question.author,
      text: question.text,
      messageId: target.messageId,
      eventId: `regenerate:${question.id}`,
      mode,
      context: undefined,
    };
    const accepted = { question, text: question.text, documents: question.documents, replaces: true };
    const release = () => this.regenerating.delete(question.id);
    const updates = this.observed(request, this.answer(request, accepted, handleOptions.signal));
    let read = false;
    async function* released(): AsyncGenerator<ReplyUpdate> {
      read = true;
      try {
        yield* updates;
      } finally {
        release();
      }
    }
    return {
      kind: "regenerating",
      mode,
      question: question.text,
      updates: released(),
      // A generator never read never runs its `finally`: the question is let go here instead.
      abandon: () => {
        if (!read) release();
      },
    };
  }

  /** Notes where the reply to the request delivered by `eventId` shows, for a restarted Guru to find. */
  locateReply(eventId: string, locator: string): void {
    try {
      this.options.memory.locateReply(eventId, locator);
    } catch (error) {
      // The answer still shows; only a crash before it is stored would leave the placeholder behind.
      this.options.logger.warn("could not note where a reply shows", { error });
    }
  }

  private async *restartedNote(question: StoredMessage): AsyncGenerator<ReplyUpdate> {
    const note = new GuruError("RESTARTED", restartedText);
    try {
      yield failure(note, "");
    } finally {
      // After the front has shown it: a crash in between shows the note again, never nothing.
      this.storeCutShort(question, "", note);
    }
  }

  private async *answer(
    request: ParsedConversationRequest,
    { question, text, documents, replaces = false, systemPrompt }: AcceptedQuestion,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ReplyUpdate> {
    let partial = "";
    let settled = false;
    try {
      const owner = ownerOf(request);
      // Built at once unless history must be folded first: no await before the engine has the
      // request, so each of a burst's requests reaches the queue before the next one's work starts.
      const plan = this.promptPlan(request, question, text, systemPrompt);
      const fitted = this.fitTurns(plan, question, plan.historyBudget);
      const turns =
        "turns" in fitted
          ? fitted.turns
          : yield* this.foldedTurns(request.address, plan, question, fitted.foldWithin, {
              requester: owner,
              ...(signal ? { signal } : {}),
            });
      const notes = readNotes(request.context?.notes ?? [], documents);
      let result: GenerationResult | undefined;
      for await (const event of this.options.engine.generate({
        owner,
        conversation: conversationKey(request.address),
        turns,
        ...(request.mode === "analyze"
          ? { jsonSchema: modelAnalysisJsonSchema, maxTokens: this.options.assistant.analysisMaxTokens }
          : { maxTokens: this.options.maxTokens }),
        ...(signal ? { signal } : {}),
      })) {
        if (event.type === "queued") yield { type: "queued", position: event.position };
        else if (event.type === "started") yield { type: "started" };
        else if (event.type === "text") {
          partial += event.delta;
          // An analysis streams raw JSON: renderers show progress, not the JSON.
          if (request.mode === "ask") yield { type: "text", text: partial };
        } else result = event.result;
      }
      if (!result)
        throw new GuruError("GENERATION_FAILED", "The model stopped without an answer. Please try again.");
      const reply = this.store(request, question, result, notes, replaces);
      settled = true;
      yield { type: "finished", reply };
    } catch (error) {
      const guruError = toGuruError(error, this.options.logger);
      this.storeCutShort(question, partial, guruError, replaces);
      settled = true;
      yield failure(guruError, request.mode === "ask" ? partial : "");
    } finally {
      // The reader stopped listening (the adapter gave up): keep what there was, marked.
      if (!settled)
        this.storeCutShort(
          question,
          partial,
          new GuruError("CANCELLED", "The request was cancelled."),
          replaces,
        );
    }
  }

  /**
   * The messages read with a question (a thread) are counted away from the event loop before it is
   * admitted: with Phi-4 Mini's tokenizer, 200 of them took ≈200 ms of it. A question without any
   * (a burst's usual) is not held up at all, and one to be refused is not counted.
   */
  private countReadAhead(request: ParsedConversationRequest): Promise<void> | undefined {
    const messages = request.context?.messages ?? [];
    const { engine, logger } = this.options;
    if (messages.length === 0 || !engine.countAhead || engine.refusal(ownerOf(request))) return undefined;
    return engine.countAhead(messages.map((message) => cleanInputText(message.text))).catch((error) => {
      // Admission counts whatever is missing itself.
      logger.warn("could not count the read messages ahead", { error });
    });
  }

  /** Stores an acceptable question (claiming its event), or says what to reply instead. */
  private admit(request: ParsedConversationRequest): Admission {
    const { memory, assistant } = this.options;
    const text = cleanInputText(request.text);
    if (isBlank(text) || text.length > assistant.maxInputChars) {
      if (!memory.claimEvent(request.eventId)) return { kind: "reply", update: { type: "duplicate" } };
      return {
        kind: "reply",
        update: isBlank(text)
          ? { type: "finished", reply: { kind: "notice", markdown: helpText } }
          : failure(tooLong(text.length, assistant.maxInputChars), ""),
      };
    }
    // Refused before anything is stored or counted: a flood's refusals must stay cheap.
    const refused = this.options.engine.refusal(ownerOf(request));
    if (refused) {
      if (!memory.claimEvent(request.eventId)) return { kind: "reply", update: { type: "duplicate" } };
      return { kind: "reply", update: failure(refused, "") };
    }
    // Files are kept as the model is shown them: each cut to fit half of what the prompt has room for.
    const systemPrompt = this.persona(request.address).text;
    const fileBudget = Math.floor(this.historyBudget(systemPrompt, text, request.mode) / 2);
    const keptFitting = (documents: readonly ReadDocument[]) =>
      fitDocuments(documents.map(cleanDocument), fileBudget, (t) => this.tokens(t)).documents;
    const documents = keptFitting(request.context?.documents ?? []);
    const read = (request.context?.messages ?? []).map((message) => ({
      author: message.author,
      authorName: message.authorName,
      authorKind: message.authorKind,
      text: cleanInputText(message.text),
      platformMessageId: message.messageId,
      documents: keptFitting(message.documents),
    }));
    const inbound = memory.recordInbound({
      address: request.address,
      author: request.author,
      text,
      platformMessageId: request.messageId,
      eventId: request.eventId,
      mode: request.mode,
      ...(request.replyLocator ? { replyLocator: request.replyLocator } : {}),
      documents,
      read,
    });
    if (!inbound.isNew) return { kind: "reply", update: { type: "duplicate" } };
    return {
      kind: "generate",
      question: inbound.message,
      text,
      documents: [...documents, ...read.flatMap((message) => message.documents)],
      systemPrompt,
    };
  }

  /**
   * Marks questions a dead process accepted but never answered, and that show nowhere a front could
   * finish them (a terminal, an MCP call), as interrupted. A live process's are never touched.
   */
  markAbandonedQuestions(): number {
    return this.options.memory.interruptUnplacedOrphans("PROCESS_ENDED");
  }

  /**
   * The refusal a question of `author` at `address` would get now (Guru's line is full, it is
   * shutting down), or undefined: a front reads no thread and fetches no file for a question that
   * will be refused.
   */
  refusal(address: ConversationAddress, author: string): GuruError | undefined {
    return this.options.engine.refusal(ownerOf({ address, author }));
  }

  remembered(address: ConversationAddress): ConversationMemory | null {
    return this.options.memory.remembered(address);
  }

  /** What `/memory` shows: the summary, latest messages and analyses of this conversation only. */
  memoryView(address: ConversationAddress): MemoryView {
    return memoryViewOf(this.options.memory.remembered(address));
  }

  /** Every conversation kept, on every platform, with its size: for the workstation's owner only. */
  conversationSizes(): ConversationSize[] {
    return this.options.memory.conversationSizes();
  }

  /** The persona (system prompt) the next answer at `address` gets, and whether it was set from chat. */
  persona(address: ConversationAddress): PersonaInForce {
    return personaFor(address, this.options.assistant, this.options.memory.persona(address));
  }

  /**
   * Sets the persona of `address` (a thread's, or a channel's when the address has no thread) from
   * chat, ahead of the config file's. Who may is the front's to decide: a persona is a system prompt.
   */
  setPersona(address: ConversationAddress, text: string, changedBy: string): PersonaInForce {
    const stored = this.options.memory.setPersona(address, personaText(text), changedBy);
    return { text: stored.text, setInChat: stored };
  }

  /** Removes the persona set from chat at `address` itself; true when there was one. */
  resetPersona(address: ConversationAddress): boolean {
    return this.options.memory.removePersona(address);
  }

  forgetConversation(address: ConversationAddress): boolean {
    return this.options.memory.forgetConversation(address);
  }

  forgetUser(user: UserRef): ForgetResult {
    return this.options.memory.forgetUser(user);
  }

  exportUser(user: UserRef): UserExport {
    return this.options.memory.exportUser(user);
  }

  /** Prior analyses matching `query` that a question at `address` could see (same scope only). */
  searchAnalyses(address: ConversationAddress, query: string, limit: number): FoundAnalysis[] {
    return this.options.memory
      .searchAnalyses(address, query, limit)
      .flatMap((stored) => foundAnalysis(stored) ?? []);
  }

  /** Every analysis kept in the conversation at `address`, oldest first. */
  analysesIn(address: ConversationAddress): KeptAnalysis[] {
    return (this.options.memory.remembered(address)?.analyses ?? []).flatMap((stored) => {
      const found = foundAnalysis(stored);
      return found === null ? [] : [{ ...found, answeredMessageId: stored.answeredMessageId }];
    });
  }

  /** The platform id of the newest message stored in this conversation: a front reads only what came after it. */
  lastSeenMessageId(address: ConversationAddress): string | null {
    return this.options.memory.lastPlatformMessageId(address);
  }

  status(): EngineStats {
    return this.options.engine.stats();
  }

  /** The memory database's size on disk. */
  databaseBytes(): number {
    return this.options.memory.databaseBytes();
  }

  /** `/status` in words, the same on every front. */
  statusDescription(): StatusDescription {
    return describeStatus(this.options.engine.stats());
  }

  /**
   * The prompt's turns once older history has been folded into the summary within `foldWithin`.
   * Yields `summarizing` before folding, so the asker sees progress before the slow step.
   */
  private async *foldedTurns(
    address: ConversationAddress,
    plan: PromptPlan,
    question: StoredMessage,
    foldWithin: number,
    fold: FoldRequest,
  ): AsyncGenerator<ReplyUpdate, ChatTurn[]> {
    yield { type: "summarizing" };
    let fitted: FittedTurns = { foldWithin };
    while ("foldWithin" in fitted) {
      await this.options.memory.foldHistory(address, fitted.foldWithin, fold);
      fitted = this.fitTurns(plan, question, fitted.foldWithin, fitted.foldWithin);
    }
    return fitted.turns;
  }

  /**
   * The question always fits; its files (cut to fit half of the room when stored) come next; the
   * history (with the thread messages read for it, newest first) gets the rest, and what does not
   * fit is folded into the rolling summary.
   */
  private promptPlan(
    request: ParsedConversationRequest,
    question: StoredMessage,
    text: string,
    systemPrompt = this.persona(request.address).text,
  ): PromptPlan {
    const available = this.historyBudget(systemPrompt, text, request.mode);
    const files = fitDocuments(question.documents, Math.floor(available / 2), (t) => this.tokens(t));
    return {
      systemPrompt,
      mode: request.mode,
      question: { text, documents: files.documents },
      historyBudget: Math.max(0, available - files.tokens),
    };
  }

  /**
   * The turns with as much history as fits `budget` and the context, or the budget within which
   * older history must first be folded into the summary (once folded within `folded`, it is used).
   */
  private fitTurns(plan: PromptPlan, question: StoredMessage, budget: number, folded?: number): FittedTurns {
    const { memory, memoryConfig } = this.options;
    for (let room = budget; ; ) {
      const context = memory.buildContext(question, room, memoryConfig.maxAnalyses);
      if (context.foldPending && room !== folded) return { foldWithin: room };
      const turns = assembleTurns(plan.systemPrompt, context, plan.question, plan.mode);
      // Memory counts the words of each turn; the template around every turn and the note on each
      // answer cut short cost more, which many short turns add up past the context. Then the history
      // gets less room (and what no longer fits is folded into the summary).
      const excess =
        this.promptTokens(turns) + this.answerTokens(plan.mode) + promptMargin - this.options.contextSize;
      if (excess <= 0 || room === 0) return { turns };
      room = Math.max(0, room - excess);
    }
  }

  /** What is left of the slot's context for history once the prompt and the answer have room. */
  private historyBudget(systemPrompt: string, question: string, mode: RequestMode): number {
    const fixed = this.tokens(systemPrompt) + this.tokens(question) + 4 * perTurnOverhead + promptMargin;
    const { contextSize } = this.options;
    return Math.max(0, contextSize - this.answerTokens(mode) - fixed);
  }

  /** The engine counts each text once (it keeps the counts), however often a prompt is budgeted. */
  private tokens(text: string): number {
    return this.options.engine.countTokens(text);
  }

  private answerTokens(mode: RequestMode): number {
    const { assistant, maxTokens } = this.options;
    return mode === "analyze" ? assistant.analysisMaxTokens : maxTokens;
  }

  /** The prompt's size as the model will see it, near enough: every turn's text and its template. */
  private promptTokens(turns: readonly ChatTurn[]): number {
    return turns.reduce((sum, turn) => sum + this.tokens(turn.text) + perTurnOverhead, 0);
  }

  /** Stores the answer as the model wrote it; the person also gets the notes on what was not read. */
  private store(
    request: ParsedConversationRequest,
    question: StoredMessage,
    result: GenerationResult,
    notes: readonly string[],
    replaces: boolean,
  ): Reply {
    const { memory } = this.options;
    if (request.mode === "ask") {
      const markdown = result.text.trim();
      const reply = { inReplyTo: question.id, author: "guru", text: markdown, status: "complete" } as const;
      if (replaces) memory.replaceReply(reply);
      else memory.recordReply(reply);
      return { kind: "answer", markdown: withReadNotes(markdown, notes), usage: result.usage };
    }
    const { analysis, markdown, digest, searchText } = analysisFromGeneration(result);
    const reply = { inReplyTo: question.id, author: "guru", text: markdown, status: "complete" } as const;
    const stored = {
      answeredMessageId: question.id,
      schemaVersion: analysis.schemaVersion,
      json: JSON.stringify(analysis),
      confidence: analysis.confidence.overall,
      summary: digest,
      searchText,
    };
    if (replaces) memory.replaceReply(reply, stored);
    else
      memory.transaction(() => {
        memory.recordReply(reply);
        memory.recordAnalysis(stored);
      });
    return {
      kind: "analysis",
      markdown: withReadNotes(markdown, notes),
      analysis,
      usage: result.usage,
      readNotes: notes,
    };
  }

  /** Keeps what there was of a reply, marked; a regeneration's replaces the old one, as it is what shows. */
  private storeCutShort(question: StoredMessage, partial: string, error: GuruError, replaces = false): void {
    const interrupted = ["CANCELLED", "TIMEOUT", "SHUTTING_DOWN", "RESTARTED"].includes(error.code);
    const reply = {
      inReplyTo: question.id,
      author: "guru",
      text: partial,
      status: interrupted ? "interrupted" : "failed",
      reason: error.code,
    } as const;
    try {
      if (replaces) this.options.memory.replaceReply(reply);
      else this.options.memory.recordReply(reply);
    } catch (storeError) {
      this.options.logger.error("could not store a cut-short reply", { error: storeError });
    }
  }
}

/** Null for a row this version cannot read (another schema version): a search skips it. */
function foundAnalysis(stored: StoredAnalysis): FoundAnalysis | null {
  let json: unknown;
  try {
    json = JSON.parse(stored.json);
  } catch {
    return null;
  }
  const parsed = cognitiveAnalysisSchema.safeParse(json);
  if (!parsed.success) return null;
  return {
    id: stored.id,
    createdAt: new Date(stored.createdAt).toISOString(),
    confidence: stored.confidence,
    summary: stored.summary,
    analysis: parsed.data,
  };
}

function cleanDocument(document: ReadDocument): ReadDocument {
  return { ...document, name: cleanInputText(document.name) || "file", text: cleanInputText(document.text) };
}

function failure(error: GuruError, partialText: string): ReplyUpdate {
  return { type: "failed", code: error.code, message: error.message, partialText };
}

function tooLong(length: number, limit: number): GuruError {
  return new GuruError(
    "INPUT_TOO_LONG",
    `Your message is ${length.toLocaleString("en-US")} characters long; I read at most ${limit.toLocaleString("en-US")} at once. Please shorten it or split it into parts.`,
  );
}

function toGuruError(error: unknown, logger: Logger): GuruError {
  if (isGuruError(error)) return error;
  logger.error("request failed", { error });
  return new GuruError("GENERATION_FAILED", "Something went wrong while answering. Please try again.", {
    cause: error,
  });
}

/** Whose share of the engine's queue a request takes: one per person per platform. */
function ownerOf(request: Pick<ConversationRequest, "address" | "author">): string {
  return `${request.address.platform}:${request.author}`;
}
