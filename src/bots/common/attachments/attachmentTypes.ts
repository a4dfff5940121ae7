import type { ReadDocument } from "../../../service/conversationRequest.js";

/** A file a platform attached to a message: where to fetch it and what the platform says it is. */
export interface AttachmentRef {
  readonly name: string;
  readonly url: string;
  readonly mimeType?: string;
  readonly size?: number;
}

export interface AttachmentReadOptions {
  /** Origins (scheme, host and port) files may come from; anything else is refused, redirects included. */
  readonly allowedOrigins: readonly string[];
  /** Sent only to the allowed origins, e.g. Slack's `Authorization: Bearer <bot token>`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes read of one file; a longer text file is cut there, a longer PDF is not read. */
  readonly maxBytes: number;
  /** Characters of text kept of one file. */
  readonly maxChars: number;
  readonly signal?: AbortSignal;
}

/** Why a file was not read: fronts log a fix for the ones a setting can cure. */
export type SkipReason = "image" | "binary" | "foreignOrigin" | "httpStatus" | "tooLarge" | "unreadable";

export type AttachmentOutcome =
  | { readonly kind: "document"; readonly document: ReadDocument }
  | {
      readonly kind: "skipped";
      readonly name: string;
      /** Said in the answer, e.g. "I can't read images yet (photo.png)." */
      readonly note: string;
      readonly reason: SkipReason;
      /** The HTTP status, for "httpStatus". */
      readonly status?: number;
    };
