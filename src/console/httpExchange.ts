import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { bodyRefusal, discardBody } from "../bots/common/bodyRefusal.js";

/** Questions are capped at `assistant.maxInputChars`; no console body needs more than this. */
export const consoleBodyLimitBytes = 256 * 1024;

const jsonOnly = new Set(["application/json"]);

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
    .end(JSON.stringify(body));
}

/** A clear refusal the page shows as it is: `{ error: { code, message } }`. */
export function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { error: { code, message } });
}

/**
 * The request's JSON body parsed with `schema`, or null after answering the refusal (wrong type,
 * too large, not JSON, not the expected shape).
 */
export async function readJsonBody<T>(
  request: IncomingMessage,
  response: ServerResponse,
  schema: z.ZodType<T>,
): Promise<T | null> {
  const refusal = bodyRefusal(request, { mediaTypes: jsonOnly, limitBytes: consoleBodyLimitBytes });
  if (refusal) {
    discardBody(request);
    sendError(response, refusal.status, "BAD_REQUEST", refusal.message);
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > consoleBodyLimitBytes) {
      sendError(
        response,
        413,
        "BAD_REQUEST",
        `Request bodies are limited to ${consoleBodyLimitBytes} bytes.`,
      );
      return null;
    }
    chunks.push(chunk);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    sendError(response, 400, "BAD_REQUEST", "The body is not valid JSON.");
    return null;
  }
  return parsedOrRefused(response, schema, json);
}

/** The URL's query parameters parsed with `schema`, or null after answering 400. */
export function readQuery<T>(url: URL, response: ServerResponse, schema: z.ZodType<T>): T | null {
  return parsedOrRefused(response, schema, Object.fromEntries(url.searchParams));
}

function parsedOrRefused<T>(response: ServerResponse, schema: z.ZodType<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  sendError(response, 400, "BAD_REQUEST", z.prettifyError(parsed.error));
  return null;
}

/** Starts a Server-Sent Events response; `send` writes one event. */
export function openEventStream(response: ServerResponse): (event: string, data: unknown) => void {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  response.flushHeaders();
  return (event, data) => {
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}
