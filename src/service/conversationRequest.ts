import { z } from "zod";
import { conversationAddressSchema } from "../conversation/conversationAddress.js";

export const requestModes = ["ask", "analyze"] as const;
export type RequestMode = (typeof requestModes)[number];

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
  /**
   * Where the front will show the reply, in its own words (opaque to the service): kept with the
   * question until it is answered, so a restarted Guru can finish a reply a killed one left.
   */
  replyLocator: z.string().min(1).max(4000).optional(),
});

export type ConversationRequest = z.infer<typeof conversationRequestSchema>;
