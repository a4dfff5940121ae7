import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ErrorCode, type HTTPReceiver } from "@slack/bolt";
import type { Logger } from "../../log/logger.js";
import { bodyRefusal, discardBody } from "../common/bodyRefusal.js";

/**
 * The largest request body taken. Slack's events and commands are a few kilobytes; a 40,000-character
 * message with its blocks stays far below this. A larger `Content-Length` is refused with 413 before
 * any of the body is read; a body without one, by Bolt as soon as it grows past the limit.
 */
export const slackBodyLimitBytes = 1024 * 1024;

/** What Slack sends: JSON for events, a form for commands, interactions and its SSL check. */
const slackMediaTypes = new Set(["application/json", "application/x-www-form-urlencoded"]);

/**
 * Serves Bolt's HTTP receiver on Guru's own server, so a body Slack never sends is refused before
 * Bolt reads it: Bolt parses any content type as JSON (it would act on a signed `text/plain` body),
 * and waits for all of an announced oversized body before counting it. Anything else (path,
 * signature, malformed JSON, a body that grows too large) Bolt answers with its own 4xx.
 */
export async function listenForSlack(
  receiver: HTTPReceiver,
  options: { host: string; port: number; path: string; logger: Logger },
): Promise<Server> {
  const server = createServer((request, response) => {
    if (refused(request, response, options.path)) return;
    try {
      receiver.requestListener(request, response);
    } catch (error) {
      // Bolt throws (synchronously) for a path it does not serve.
      const deferred = (error as { code?: unknown }).code === ErrorCode.HTTPReceiverDeferredRequestError;
      if (!deferred) options.logger.error("Slack HTTP request failed", { error });
      response.writeHead(deferred ? 404 : 500).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => options.logger.error("the Slack HTTP server failed", { error }));
  return server;
}

function refused(request: IncomingMessage, response: ServerResponse, path: string): boolean {
  if (request.method !== "POST" || new URL(request.url ?? "/", "http://localhost").pathname !== path) {
    return false;
  }
  const refusal = bodyRefusal(request, { mediaTypes: slackMediaTypes, limitBytes: slackBodyLimitBytes });
  if (!refusal) return false;
  discardBody(request);
  response
    .writeHead(refusal.status, { "content-type": "text/plain; charset=utf-8", connection: "close" })
    .end(`${refusal.message}\n`);
  return true;
}
