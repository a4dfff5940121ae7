import { z } from "zod";
import { ServerFailure } from "../serverBackend.js";

/**
 * An OpenAI-style error body: `{"error":{"message","type","code"}}` (OpenAI, llama.cpp, Ollama,
 * newer vLLM), `{"object":"error","message",…}` (older vLLM), or `{"error":"text"}`.
 */
const errorDetail = z.object({
  message: z.string().optional(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
});
const errorBody = z.union([
  z.object({ error: z.union([errorDetail, z.string().transform((message) => ({ message }))]) }),
  errorDetail.transform((error) => ({ error })),
]);

export type ErrorDetail = z.infer<typeof errorDetail>;

/** Reads an error body into its detail; text that is not one becomes the message. */
export function errorDetailOf(text: string): ErrorDetail {
  try {
    const parsed = errorBody.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON: a proxy's HTML page or plain text.
  }
  return { message: text.slice(0, 200) };
}

const tooLongShapes =
  /context.?length|exceed.?context|context.?(size|window)|maximum context|too many tokens|prompt is too long/i;

/** The request does not fit the model's context (OpenAI `context_length_exceeded`, llama.cpp `exceed_context_size_error`, vLLM's message). */
export function isContextOverflow(detail: ErrorDetail): boolean {
  return [detail.code, detail.type, detail.message].some(
    (part) => typeof part === "string" && tooLongShapes.test(part),
  );
}

/**
 * Why a server refused a chat request, as a `ServerFailure` (nothing started). 429 (busy or rate
 * limited), 5xx, 401/403 (key) and 404 (model gone) are the server's fault: another server may
 * answer. 400/413/422 are the request's: too long when the body says so.
 */
export function refusalFailure(
  server: string,
  status: number,
  body: string,
  retryAfter: string | null,
): ServerFailure {
  const detail = errorDetailOf(body);
  const requestFault = status === 400 || status === 413 || status === 422;
  const tooLong = status === 413 || (requestFault && isContextOverflow(detail));
  const retry = retryAfter
    ? ` (retry after ${/^\d+$/.test(retryAfter) ? `${retryAfter} s` : retryAfter})`
    : "";
  return new ServerFailure(
    `${server} refused the request: HTTP ${status} ${detail.message ?? ""}${retry}`.trim(),
    {
      started: false,
      serverFault: !requestFault,
      tooLong,
    },
  );
}
