import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { z } from "zod";
import { mcpAddress } from "../mcpAddress.js";
import type { ToolContext } from "../toolContext.js";
import { searchMemoryInput } from "../toolInputs.js";
import { searchMemoryOutput } from "../toolOutputs.js";
import { errorResultOf, structuredResult } from "../toolResults.js";

export function registerSearchMemoryTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "search_memory",
    {
      title: "Search Guru's memory",
      description:
        "Earlier cognitive analyses matching a query, best first, from one of your channels. " +
        "Only this client's own memory is searched, never Slack's or Discord's.",
      inputSchema: searchMemoryInput,
      outputSchema: searchMemoryOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => {
      try {
        const address = mcpAddress(context.space(), args.channel, args.conversation ?? null);
        const found: z.infer<typeof searchMemoryOutput> = {
          channel: args.channel,
          conversation: args.conversation ?? null,
          results: context.service.searchAnalyses(address, args.query, args.limit),
        };
        return structuredResult(found, JSON.stringify(found));
      } catch (error) {
        return errorResultOf(error, context.logger);
      }
    },
  );
}
