import type { Logger } from "../log/logger.js";
import type { ConversationService } from "../service/conversationService.js";

/** What the MCP tools use of the conversation service (the same one the bots use). */
export type McpService = Pick<ConversationService, "handle" | "status" | "searchAnalyses" | "memoryView">;

export interface ToolContext {
  readonly service: McpService;
  /** Longer prompts are refused by the input schema, with the limit in the message. */
  readonly maxInputChars: number;
  readonly logger: Logger;
  /** The calling client's private space, from its `initialize` clientInfo. */
  space(): string;
  /** Aborted when the server stops: every running call is cancelled and gives its slot back. */
  readonly shutdown: AbortSignal;
}
