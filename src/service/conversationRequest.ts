import { z } from "zod";
import { conversationAddressSchema } from "../conversation/conversationAddress.js";
import { contextAuthorKinds, readDocumentSchema } from "../conversation/readDocument.js";

export {
  type ContextAuthorKind,
  contextAuthorKinds,
  type ReadDocument,
  readDocumentSchema,
} from "../conversation/readDocument.js";

export const requestModes = ["ask", "analyze"] as const;
export type RequestMode = (typeof requestModes)[number];

/** A message the front read around the question (a thread, a reply chain), not addressed to Guru. */
export const contextMessageSchema = z.object({
  /** The platform's id, unique within its channel: the key that stores it once. */
  messageId: z.string().min(1).max(256),
  /** The platform's user id. */
  author: z.string().min(1).max(128),
  /** A display name for the label the model sees. */
  authorName: z.string().max(128).optional(),
  authorKind: z.enum(contextAuthorKinds),
  text: z.string(),
  /** ms since the epoch. */
  sentAt: z.number().int().optional(),
  documents: z.array(readDocumentSchema).default([]),
});

export type ContextMessage = z.infer<typeof contextMessageSchema>;

export const requestContextSchema = z.object({
  /** Oldest first; never the question itself. */
  messages: z.array(contextMessageSchema).default([]),
  /** Attached to the question itself. */
  documents: z.array(readDocumentSchema).default([]),
  /** What could not be read: the answer says each once. */
  notes: z.array(z.string().min(1).max(500)).default([]),
});

export type RequestContext = z.infer<typeof requestContextSchema>;

/** One platform-neutral request: what every adapter turns its platform's event into. */
export const conversationRequestSchema = z.object({
  address: conversationAddressSchema,
  /** The platform's user id: the queue is fair across authors, memory is forgotten per author. */
  author: z.string().min(1).max(128),
  /** The message text with the bot's own mention removed. */
  text: z.string(),
  /** The platform's id of the message (unique within its channel). */
  messageId: z.string().min(1).max(256),
  /** The platform's id of the delivery: a redelivered event carries the same id. */
  eventId: z.string().min(1).max(256),
  mode: z.enum(requestModes),
  /** What the front read around the question: thread messages, files, and what it could not read. */
  context: requestContextSchema.optional(),
});

/** What a front passes in: defaults (empty lists) may be left out. */
export type ConversationRequest = z.input<typeof conversationRequestSchema>;
export type ParsedConversationRequest = z.output<typeof conversationRequestSchema>;
