import { z } from "zod";

/** A file a front read for the model: its name as the platform gives it and its extracted text. */
export const readDocumentSchema = z.object({
  name: z.string().min(1).max(256),
  /** Already cut to the size limit. */
  text: z.string(),
  /** Cut: the prompt and the answer say so. */
  truncated: z.boolean(),
});

export type ReadDocument = z.infer<typeof readDocumentSchema>;

export const contextAuthorKinds = ["person", "bot", "guru"] as const;
export type ContextAuthorKind = (typeof contextAuthorKinds)[number];
