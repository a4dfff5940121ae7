import type { IncomingMessage } from "node:http";

export interface BodyRefusal {
  /** 415: not a media type the endpoint takes; 413: announced larger than it takes. */
  readonly status: 413 | 415;
  readonly message: string;
}

/**
 * Why a POST body is refused from its headers alone, before any of it is read: a wrong
 * `Content-Type`, or a `Content-Length` over the limit (a body without one is capped as it is read).
 */
export function bodyRefusal(
  request: IncomingMessage,
  accepts: { readonly mediaTypes: ReadonlySet<string>; readonly limitBytes: number },
): BodyRefusal | null {
  const mediaType = request.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!accepts.mediaTypes.has(mediaType)) {
    return { status: 415, message: `Content-Type must be ${[...accepts.mediaTypes].join(" or ")}.` };
  }
  if (Number(request.headers["content-length"]) > accepts.limitBytes) {
    return { status: 413, message: `Request bodies are limited to ${accepts.limitBytes} bytes.` };
  }
  return null;
}

/** Discards the refused body as it arrives (never keeping it) and closes the connection after the answer. */
export function discardBody(request: IncomingMessage): void {
  request.resume();
}
