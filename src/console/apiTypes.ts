import type { ConversationSize } from "../memory/memory.js";
import type { CognitiveAnalysis } from "../service/cognitiveAnalysis.js";
import type { FoundAnalysis } from "../service/conversationService.js";

export type { ConversationAddress } from "../conversation/conversationAddress.js";
export type { EngineStats } from "../engine/engine.js";
export type { CognitiveAnalysis } from "../service/cognitiveAnalysis.js";
export type { MemoryView } from "../service/memoryView.js";
export type { ReplyUpdate } from "../service/replyUpdate.js";
export type { FrontSample, LiveSample, ServerSample } from "./liveSamples.js";
/**
 * What the console's API answers, shared by the server and the page (types only: the page
 * imports nothing at run time from outside its folder).
 */
export type { ConversationSize, FoundAnalysis };

/** `GET /api/history`: one message of a console conversation, oldest first. */
export interface HistoryMessage {
  readonly id: number;
  readonly role: "user" | "assistant";
  readonly text: string;
  readonly status: "complete" | "interrupted" | "failed";
  /** ISO 8601. */
  readonly createdAt: string;
  /** The analysis this reply is (null for an answer or a question). */
  readonly analysis: CognitiveAnalysis | null;
}

export interface HistoryResponse {
  readonly messages: readonly HistoryMessage[];
}

export interface ConversationsResponse {
  readonly conversations: readonly ConversationSize[];
}

export interface AnalysesResponse {
  readonly analyses: readonly FoundAnalysis[];
}

export interface ApiError {
  readonly error: { readonly code: string; readonly message: string };
}
