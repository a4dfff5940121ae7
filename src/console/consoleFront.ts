import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BotContext, ChatBot, ChatBotFactory, FrontConfigured } from "../bots/chatBot.js";
import { listeningUrl } from "../bots/common/listeningUrl.js";
import { GuruError, isGuruError } from "../errors.js";
import { notReady, ready } from "../service/readiness.js";
import {
  isLoopbackHost,
  newAccessToken,
  presentedToken,
  tokenCookieHeader,
  tokenMatches,
} from "./accessToken.js";
import { apiRoutes } from "./apiRoutes.js";
import { streamChat } from "./chatStream.js";
import { sendError } from "./httpExchange.js";
import { LiveFeed } from "./liveFeed.js";
import { type PageFile, readPageFiles } from "./pageFiles.js";

/** Only this page's own files and API: nothing is fetched from anywhere else (it works offline). */
const securityHeaders = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The running console, with where it listens. */
export interface ConsoleFront extends ChatBot {
  /** The URL of its page, once started. */
  url(): string;
}

export const consoleConfigured: FrontConfigured = ({ config }) => config.web.port !== null;

/**
 * The console inside `guru start`: a web page to talk to Guru, read its analyses and watch it
 * work, served with a small JSON/SSE API that goes through the same service as the bots. On
 * loopback only this machine can reach it; any other bind requires the access token printed once.
 */
export function openConsole(
  context: BotContext,
  options: { readonly pageDirectory?: string } = {},
): ConsoleFront | null {
  const { port, host } = context.config.web;
  if (port === null) return null;
  const logger = context.logger.child("console");
  const { service } = context;
  const token = isLoopbackHost(host) ? null : newAccessToken();
  const feed = new LiveFeed(
    () => service.status(),
    () => context.fronts?.() ?? [],
  );
  context.requestObservers?.add(feed.requests);
  let pageFiles: ReadonlyMap<string, PageFile> = new Map();
  let http: Server | null = null;
  let pageUrl = "";

  /** True when the request was refused (the refusal is sent); false when it may go on. */
  const refused = (request: IncomingMessage, response: ServerResponse, url: URL): boolean => {
    if (token === null) {
      // A web page the user visits must not reach a loopback console by rebinding its DNS.
      const hostHeader = (request.headers.host ?? "").replace(/:\d+$/, "");
      if (!isLoopbackHost(hostHeader)) {
        sendError(response, 403, "NOT_ALLOWED", "The console answers only at a loopback address.");
        return true;
      }
    } else if (!tokenMatches(presentedToken(request), token)) {
      const fromQuery = url.searchParams.get("token");
      if (request.method === "GET" && url.pathname === "/" && tokenMatches(fromQuery, token)) {
        // The first visit: a cookie carries the token from now on, and the URL loses it.
        response.writeHead(303, { location: "/", "set-cookie": tokenCookieHeader(token) }).end();
        return true;
      }
      sendError(
        response,
        401,
        "NOT_ALLOWED",
        "This console needs its access token: open the URL Guru printed at start (with ?token=).",
      );
      return true;
    }
    // Another site's page may not make the browser post to the console (forget, ask).
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ""}`) {
      sendError(response, 403, "NOT_ALLOWED", "Requests from other sites are refused.");
      return true;
    }
    return false;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://console.invalid");
    for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value);
    if (refused(request, response, url)) return;
    const route = `${request.method ?? "GET"} ${url.pathname}`;
    if (route === "POST /api/chat") return streamChat(request, response, service);
    if (route === "GET /api/live") return feed.subscribe(response);
    const api = apiRoutes[route];
    if (api) return api({ service, request, response, url });
    if (request.method === "GET") {
      const file = pageFiles.get(url.pathname === "/" ? "index.html" : url.pathname.slice(1));
      if (file) {
        response
          .writeHead(200, { "content-type": file.mediaType, "cache-control": "no-cache" })
          .end(file.body);
        return;
      }
    }
    sendError(response, 404, "NOT_FOUND", `Nothing at ${request.method} ${url.pathname}.`);
  };

  const front: ConsoleFront = {
    name: "the console",
    readiness: () => (http?.listening ? ready : notReady("the console is not listening")),
    start: async () => {
      pageFiles = readPageFiles(options.pageDirectory);
      http = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          logger.error("console request failed", { error });
          // A coded error (the database is locked, full…) says what to do; anything else, where to look.
          if (response.headersSent) response.end();
          else if (isGuruError(error)) sendError(response, 500, error.code, error.message);
          else sendError(response, 500, "GENERATION_FAILED", "The console failed; see Guru's log.");
        });
      });
      await new Promise<void>((resolve, reject) => {
        http?.once("error", (error) =>
          reject(
            new GuruError("CONFIG_INVALID", `The console cannot listen on ${host}:${port}: ${error.message}`),
          ),
        );
        http?.listen(port, host, resolve);
      });
      const bound = http.address() as AddressInfo;
      pageUrl = listeningUrl(bound, "/");
      feed.start();
      logger.info(`console at ${pageUrl}`);
      if (token !== null) {
        // Printed once, here, for the owner to open; never logged.
        process.stdout.write(
          `Console access token (shown once): ${listeningUrl(bound, `/?token=${token}`)}\n`,
        );
      }
    },
    // Answers in flight finish while the engine drains (it cancels them after its grace period).
    stop: async () => {
      feed.stop();
      await new Promise<void>((resolve) => {
        if (!http) return resolve();
        http.close(() => resolve());
        http.closeIdleConnections();
      });
    },
    url: () => pageUrl,
  };
  return front;
}

export const createConsole: ChatBotFactory = (context) => openConsole(context);
