import { z } from "zod";
import { contextAuthorKinds, readDocumentSchema } from "../conversation/readDocument.js";

/**
 * Rows leave SQLite through these schemas only: each query selects the matching `…Columns` list
 * (snake_case aliased to camelCase) and the result is parsed once, here, into a typed value.
 */

/** A row's id (SQLite's rowid): also for ids read alone, so no query builds a schema per call. */
export const rowIdSchema = z.number().int().positive();
const id = rowIdSchema;
const epochMs = z.number().int();

export const conversationColumns =
  "id, key, scope_id AS scopeId, platform, space, channel, thread, created_at AS createdAt";

export const conversationSchema = z.object({
  id,
  key: z.string(),
  scopeId: id,
  platform: z.string(),
  space: z.string().nullable(),
  channel: z.string(),
  thread: z.string().nullable(),
  createdAt: epochMs,
});

export type StoredConversation = z.infer<typeof conversationSchema>;

export const messageColumns =
  "id, conversation_id AS conversationId, role, author, text, platform_message_id AS platformMessageId, " +
  "reply_to AS replyTo, status, status_reason AS statusReason, token_count AS tokenCount, created_at AS createdAt, " +
  "origin, author_name AS authorName, author_kind AS authorKind, documents";

const storedDocumentsSchema = z.array(readDocumentSchema);

const messageStatuses = ["complete", "interrupted", "failed"] as const;
export const messageOrigins = ["asked", "read"] as const;

export const messageSchema = z.object({
  id,
  conversationId: id,
  role: z.enum(["user", "assistant"]),
  author: z.string(),
  text: z.string(),
  platformMessageId: z.string().nullable(),
  replyTo: id.nullable(),
  status: z.enum(messageStatuses),
  statusReason: z.string().nullable(),
  tokenCount: z.number().int().nonnegative(),
  createdAt: epochMs,
  /** "asked": a question to Guru (or its reply); "read": context Guru read around a question. */
  origin: z.enum(messageOrigins),
  authorName: z.string().nullable(),
  authorKind: z.enum(contextAuthorKinds).nullable(),
  // Most messages carry no file: they skip the parse (every history read comes through here).
  documents: z
    .string()
    .transform((json) => (json === "[]" ? [] : storedDocumentsSchema.parse(JSON.parse(json)))),
});

export type StoredMessage = z.infer<typeof messageSchema>;
export type MessageStatus = StoredMessage["status"];

export const analysisColumns =
  "id, conversation_id AS conversationId, answered_message_id AS answeredMessageId, " +
  "schema_version AS schemaVersion, json, summary, confidence, token_count AS tokenCount, created_at AS createdAt";

export const analysisSchema = z.object({
  id,
  conversationId: id,
  answeredMessageId: id,
  schemaVersion: z.number().int(),
  json: z.string(),
  summary: z.string(),
  confidence: z.number().min(0).max(1),
  tokenCount: z.number().int().nonnegative(),
  createdAt: epochMs,
});

export type StoredAnalysis = z.infer<typeof analysisSchema>;

export const summaryColumns =
  "conversation_id AS conversationId, text, token_count AS tokenCount, " +
  "through_message_id AS throughMessageId, created_at AS createdAt";

export const summarySchema = z.object({
  conversationId: id,
  text: z.string(),
  tokenCount: z.number().int().nonnegative(),
  throughMessageId: id,
  createdAt: epochMs,
});

export type StoredSummary = z.infer<typeof summarySchema>;

export const countSchema = z.object({ count: z.number().int().nonnegative() });
