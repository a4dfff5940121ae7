import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { ChatBot, ChatBotFactory, FrontConfigured } from "../bots/chatBot.js";
import { bodyRefusal, discardBody } from "../bots/common/bodyRefusal.js";
import { listeningUrl } from "../bots/common/listeningUrl.js";
import { packageVersion } from "../config/packageInfo.js";
import { GuruError } from "../errors.js";
import { notReady, ready } from "../service/readiness.js";
import { createGuruMcpServer } from "./guruMcpServer.js";

/**
 * The largest request body taken: prompts are capped at `assistant.maxInputChars` (8,000 by
 * default), so a JSON-RPC message never needs more; a larger one is refused with 413.
 */
export const mcpBodyLimitBytes = 1024 * 1024;

const jsonOnly = new Set(["application/json"]);

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
}

/**
 * MCP over Streamable HTTP inside `guru start`, so editors share the bots' model, queue and
 * memory instead of loading a model of their own. One MCP session per client, at `/mcp`.
 */
export const mcpHttpConfigured: FrontConfigured = ({ config }) => config.mcp.httpPort !== null;

export const createMcpHttpEndpoint: ChatBotFactory = (context) => {
  const { httpPort, httpHost } = context.config.mcp;
  if (httpPort === null) return null;
  const logger = context.logger.child("mcp-http");
  const sessions = new Map<string, Session>();
  const shutdown = new AbortController();
  let http: Server | null = null;
  let allowedHosts: string[] = [];

  const openSession = async (request: IncomingMessage, response: ServerResponse) => {
    const server = createGuruMcpServer({
      service: context.service,
      maxInputChars: context.config.assistant.maxInputChars,
      logger,
      version: packageVersion(),
      shutdown: shutdown.signal,
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
      // A web page the user visits must not reach a loopback server by rebinding its DNS.
      enableDnsRebindingProtection: true,
      allowedHosts,
      // A body without a Content-Length is cut off here as it is read.
      maxRequestBodySize: mcpBodyLimitBytes,
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(request, response);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== "/mcp") {
      response.writeHead(404).end("Guru serves MCP at /mcp\n");
      return;
    }
    // Refused from the headers, before a session is made or any of the body is read.
    const refusal =
      request.method === "POST"
        ? bodyRefusal(request, { mediaTypes: jsonOnly, limitBytes: mcpBodyLimitBytes })
        : null;
    if (refusal) {
      discardBody(request);
      response
        .writeHead(refusal.status, { "content-type": "application/json", connection: "close" })
        .end(jsonRpcError(refusal.message));
      return;
    }
    const sessionId = request.headers["mcp-session-id"];
    const session = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (session) await session.transport.handleRequest(request, response);
    else if (request.method === "POST" && sessionId === undefined) await openSession(request, response);
    else response.writeHead(404, { "content-type": "application/json" }).end(unknownSession);
  };

  const bot: ChatBot = {
    name: "MCP over HTTP",
    readiness: () => (http?.listening ? ready : notReady("MCP over HTTP is not listening")),
    start: async () => {
      http = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          logger.error("MCP HTTP request failed", { error });
          if (!response.headersSent) response.writeHead(500).end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        http?.once("error", (error) =>
          reject(
            new GuruError("CONFIG_INVALID", `MCP cannot listen on ${httpHost}:${httpPort}: ${error.message}`),
          ),
        );
        http?.listen(httpPort, httpHost, resolve);
      });
      const bound = http.address() as AddressInfo;
      const port = bound.port;
      allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${httpHost}:${port}`];
      logger.info(`MCP over HTTP at ${listeningUrl(bound, "/mcp")}`);
    },
    stop: async () => {
      shutdown.abort(new GuruError("SHUTTING_DOWN", "Guru is stopping; this call was cancelled."));
      await Promise.allSettled([...sessions.values()].map((session) => session.server.close()));
      sessions.clear();
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    },
  };
  return bot;
};

function jsonRpcError(message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null });
}

const unknownSession = jsonRpcError("Unknown or missing MCP session: send initialize first.");
