import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { z } from "zod";
import { mcpAddress } from "../mcpAddress.js";
import type { ToolContext } from "../toolContext.js";
import { memoryInput } from "../toolInputs.js";
import { memoryOutput } from "../toolOutputs.js";
import { errorResultOf, structuredResult } from "../toolResults.js";

export function registerMemoryTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "memory",
    {
      title: "What Guru keeps of a conversation",
      description:
        "The rolling summary, the latest messages (trimmed) and the analyses (date, confidence, summary) " +
        "Guru keeps of one of your conversations — what `/memory` shows in Slack, Discord and `guru chat`. " +
        "Only this client's own conversations.",
      inputSchema: memoryInput,
      outputSchema: memoryOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => {
      try {
        const address = mcpAddress(context.space(), args.channel, args.conversation);
        const kept: z.infer<typeof memoryOutput> = {
          channel: args.channel,
          conversation: args.conversation,
          ...context.service.memoryView(address),
        };
        return structuredResult(kept, JSON.stringify(kept));
      } catch (error) {
        return errorResultOf(error, context.logger);
      }
    },
  );
}
