import { abortReason } from "../../abortReason.js";
import { ServerFailure } from "../serverBackend.js";

/** An HTTP answer the server gave with an error status, already read. */
export interface ServerErrorBody {
  readonly status: number;
  /** The server's own message (`error.message` of its JSON error), or the raw body. */
  readonly message: string;
  /** llama-server's error type, e.g. `exceed_context_size_error`. */
  readonly type?: string;
}

/** Where a server is and what every request to it carries (its API key; never put in a message). */
export interface ServerAddress {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Sends one request to `path` on a server. Connection failures become a `ServerFailure` (server
 * fault, nothing started); an abort of `signal` throws the abort's coded reason.
 */
export async function sendToServer(
  server: ServerAddress,
  path: string,
  init: RequestInit & { signal: AbortSignal; headers?: Record<string, string> },
): Promise<Response> {
  const url = `${server.url}${path}`;
  // A fresh connection each time: llama-server's HTTP threads beyond its fixed pool close a kept-alive
  // connection after one request without saying so, and the next request on it fails.
  const headers = { ...server.headers, ...init.headers, connection: "close" };
  try {
    return await fetch(url, { ...init, headers });
  } catch (error) {
    if (init.signal.aborted) throw abortReason(init.signal);
    throw new ServerFailure(`${url} is unreachable: ${describeCause(error)}`, {
      started: false,
      serverFault: true,
      cause: error,
    });
  }
}

/** Reads an error response as llama-server writes it (`{"error":{"code","message","type"}}`). */
export async function readErrorBody(response: Response): Promise<ServerErrorBody> {
  const raw = await response.text().catch(() => "");
  return { status: response.status, ...errorDetails(raw) };
}

/** The message and type of an error object as llama-server sends it, in a body or a stream event. */
export function errorDetails(raw: string): { message: string; type?: string } {
  try {
    const parsed: unknown = JSON.parse(raw);
    const error = (parsed as { error?: unknown } | null)?.error;
    if (typeof error === "string") return { message: error };
    if (error && typeof error === "object") {
      const { message, type } = error as { message?: unknown; type?: unknown };
      return {
        message: typeof message === "string" ? message : raw,
        ...(typeof type === "string" ? { type } : {}),
      };
    }
  } catch {
    // Not JSON: the raw text is the best description there is.
  }
  return { message: raw.slice(0, 500) || "no details" };
}

/** What a fetch failure says, down to the socket error undici wraps in `cause`. */
export function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

/** A failure for an error status: 5xx and 429 are the server's trouble, other 4xx the request's. */
export function statusFailure(url: string, body: ServerErrorBody, started: boolean): ServerFailure {
  return new ServerFailure(`${url} answered ${body.status}: ${body.message}`, {
    started,
    serverFault: body.status >= 500 || body.status === 429,
    tooLong: body.type === "exceed_context_size_error",
  });
}

/** Sends JSON (GET when `body` is undefined) and returns the answer's JSON; failures as `ServerFailure`. */
export async function exchangeJson(
  server: ServerAddress,
  path: string,
  body: unknown,
  signal: AbortSignal,
): Promise<unknown> {
  const url = `${server.url}${path}`;
  const response = await sendToServer(server, path, {
    signal,
    ...(body === undefined
      ? { method: "GET" }
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw statusFailure(url, await readErrorBody(response), false);
  try {
    return await response.json();
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    throw new ServerFailure(`${url} sent an answer that is not JSON: ${describeCause(error)}`, {
      started: false,
      serverFault: true,
      cause: error,
    });
  }
}
