import { basename } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { z } from "zod";
import type { ToolContext } from "../toolContext.js";
import { statusInput } from "../toolInputs.js";
import { statusOutput } from "../toolOutputs.js";
import { errorResultOf, structuredResult } from "../toolResults.js";

export function registerStatusTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "status",
    {
      title: "Guru status",
      description:
        "The model Guru runs, where (CPU, GPU or inference servers, each with its health, busy slots and speed), and the generation queue right now.",
      inputSchema: statusInput,
      outputSchema: statusOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => {
      try {
        const stats = context.service.status();
        const status: z.infer<typeof statusOutput> = {
          engine: stats.kind,
          model: stats.kind === "embedded" ? basename(stats.model) : stats.model,
          backend: { kind: stats.backend.kind, devices: [...stats.backend.deviceNames] },
          queue: { slots: stats.slots, busy: stats.busy, waiting: stats.waiting },
          contextSize: stats.contextSize,
          threads: stats.threads,
          recentTokensPerSecond: stats.recentTokensPerSecond,
          completedAnswers: stats.completed,
          servers: stats.servers.map((server) => ({ ...server })),
        };
        return structuredResult(status, JSON.stringify(status));
      } catch (error) {
        return errorResultOf(error, context.logger);
      }
    },
  );
}
