import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Logger } from "../log/logger.js";
import { clientSpace } from "./mcpAddress.js";
import type { McpService, ToolContext } from "./toolContext.js";
import { registerAnalysisTool } from "./tools/analysisTool.js";
import { registerAskTool } from "./tools/askTool.js";
import { registerMemoryTool } from "./tools/memoryTool.js";
import { registerSearchMemoryTool } from "./tools/searchMemoryTool.js";
import { registerStatusTool } from "./tools/statusTool.js";

export interface GuruMcpServerOptions {
  readonly service: McpService;
  readonly maxInputChars: number;
  readonly logger: Logger;
  readonly version: string;
  readonly shutdown: AbortSignal;
}

const instructions =
  "Guru runs a local language model on this machine and remembers its analyses. " +
  "Use `cognitive_analysis` for a structured analysis with a computed confidence, `ask` for a " +
  "conversational answer (pass back its `conversation` to follow up), `search_memory` to find " +
  "earlier analyses, `memory` to see what Guru keeps of a conversation, and `status` to see the model and how busy its queue is. Answers can take a " +
  "while on a CPU: progress notifications report the queue position and generation.";

/** Arguments past this many array elements and object members are refused before any parsing. */
const maxToolInputElements = 64;

/**
 * One MCP server (one client connection) over the shared conversation service; the transport is
 * the caller's choice. Each client gets its own memory space, named after it.
 */
export function createGuruMcpServer(options: GuruMcpServerOptions): McpServer {
  const server = new McpServer(
    { name: "guru", title: "Guru", version: options.version },
    { capabilities: { tools: {} }, instructions, maxToolInputElements },
  );
  const context: ToolContext = {
    service: options.service,
    maxInputChars: options.maxInputChars,
    logger: options.logger,
    space: () => clientSpace(server.server.getClientVersion()?.name),
    shutdown: options.shutdown,
  };
  registerAnalysisTool(server, context);
  registerAskTool(server, context);
  registerSearchMemoryTool(server, context);
  registerMemoryTool(server, context);
  registerStatusTool(server, context);
  return server;
}
