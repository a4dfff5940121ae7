import { z } from "zod";
import { conversationAddressSchema } from "../conversation/conversationAddress.js";
import { requestModes } from "../service/conversationRequest.js";

/** A console conversation id as the page sends it (made by `newConsoleConversationId`). */
const conversationId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "a conversation id");

/** `POST /api/chat`: a question in one of the console's conversations. */
export const chatInputSchema = z.strictObject({
  conversation: conversationId,
  text: z.string(),
  mode: z.enum(requestModes).default("ask"),
});

/** `POST /api/forget` and `POST /api/kept`: a conversation, as `GET /api/memory` listed it. */
export const conversationInputSchema = z.strictObject({ address: conversationAddressSchema });

/** `GET /api/export?platform=…&author=…`: whose data to export. */
export const exportInputSchema = z.strictObject({
  platform: z.string().min(1).max(32),
  author: z.string().min(1).max(128),
});

/** `GET /api/history?conversation=…` */
export const historyInputSchema = z.strictObject({ conversation: conversationId });

/** `GET /api/analyses?q=…`: empty lists them all, newest first. */
export const analysesInputSchema = z.strictObject({ q: z.string().max(500).default("") });

export type ChatInput = z.infer<typeof chatInputSchema>;
