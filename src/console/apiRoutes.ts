import type { IncomingMessage, ServerResponse } from "node:http";
import { conversationKey } from "../conversation/conversationAddress.js";
import type { ConversationService, FoundAnalysis } from "../service/conversationService.js";
import {
  analysesInputSchema,
  conversationInputSchema,
  exportInputSchema,
  historyInputSchema,
} from "./apiInputs.js";
import type { HistoryResponse } from "./apiTypes.js";
import { consoleChannel, consoleConversation, consolePlatform } from "./consoleAddress.js";
import { readJsonBody, readQuery, sendError, sendJson } from "./httpExchange.js";

const searchLimit = 50;

export interface ApiContext {
  readonly service: ConversationService;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
}

type Route = (context: ApiContext) => void | Promise<void>;

/** The console's JSON API, by method and path; every call goes through the service. */
export const apiRoutes: Readonly<Record<string, Route>> = {
  "GET /api/history": ({ service, url, response }) => {
    const input = readQuery(url, response, historyInputSchema);
    if (input === null) return;
    const address = consoleConversation(input.conversation);
    const analysisOf = new Map(
      service.analysesIn(address).map((kept) => [kept.answeredMessageId, kept.analysis]),
    );
    const history: HistoryResponse = {
      messages: (service.remembered(address)?.messages ?? [])
        .filter((message) => message.origin === "asked")
        .map((message) => ({
          id: message.id,
          role: message.role,
          text: message.text,
          status: message.status,
          createdAt: new Date(message.createdAt).toISOString(),
          analysis: (message.replyTo === null ? undefined : analysisOf.get(message.replyTo)) ?? null,
        })),
    };
    sendJson(response, 200, history);
  },

  "GET /api/conversations": ({ service, response }) => {
    sendJson(response, 200, {
      conversations: service
        .conversationSizes()
        .filter((size) => size.platform === consolePlatform && size.thread !== null)
        .sort((a, b) => b.lastActivityAt - a.lastActivityAt),
    });
  },

  "GET /api/analyses": ({ service, url, response }) => {
    const input = readQuery(url, response, analysesInputSchema);
    if (input === null) return;
    const query = input.q.trim();
    sendJson(response, 200, {
      analyses:
        query === ""
          ? allConsoleAnalyses(service)
          : service.searchAnalyses(consoleChannel, query, searchLimit),
    });
  },

  "GET /api/memory": ({ service, response }) => {
    sendJson(response, 200, { conversations: service.conversationSizes() });
  },

  "POST /api/kept": async ({ service, request, response }) => {
    const input = await readJsonBody(request, response, conversationInputSchema);
    if (input === null) return;
    sendJson(response, 200, service.memoryView(input.address));
  },

  "POST /api/forget": async ({ service, request, response }) => {
    const input = await readJsonBody(request, response, conversationInputSchema);
    if (input === null) return;
    const forgotten = service.forgetConversation(input.address);
    if (!forgotten) {
      sendError(response, 404, "NOT_FOUND", `Guru keeps nothing of ${conversationKey(input.address)}.`);
      return;
    }
    sendJson(response, 200, { forgotten: conversationKey(input.address) });
  },

  "GET /api/export": ({ service, url, response }) => {
    const input = readQuery(url, response, exportInputSchema);
    if (input === null) return;
    const exported = service.exportUser(input);
    response.setHeader(
      "content-disposition",
      `attachment; filename="guru-export-${input.platform}-${input.author.replace(/[^A-Za-z0-9._-]/g, "_")}.json"`,
    );
    sendJson(response, 200, exported);
  },

  "GET /api/status": ({ service, response }) => {
    sendJson(response, 200, service.status());
  },
};

/** Every analysis of every console conversation, newest first. */
function allConsoleAnalyses(service: ConversationService): FoundAnalysis[] {
  return service
    .conversationSizes()
    .flatMap((size) =>
      size.platform === consolePlatform && size.thread !== null && size.analyses > 0
        ? service.analysesIn(consoleConversation(size.thread))
        : [],
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)
    .slice(0, searchLimit * 4);
}
