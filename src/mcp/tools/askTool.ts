import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { z } from "zod";
import { mcpAddress, newConversationId } from "../mcpAddress.js";
import { replyOutcome } from "../replyOutcome.js";
import type { ToolContext } from "../toolContext.js";
import { askInput } from "../toolInputs.js";
import { askOutput } from "../toolOutputs.js";
import { errorResult, errorResultOf, structuredResult } from "../toolResults.js";

export function registerAskTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "ask",
    {
      title: "Ask Guru",
      description:
        "A conversational answer (Markdown) from Guru's local model, with the conversation's " +
        "history and the channel's earlier analyses as context. Returns a `conversation` id: pass " +
        "it back to follow up.",
      inputSchema: askInput(context.maxInputChars),
      outputSchema: askOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        const conversation = args.conversation ?? newConversationId();
        const address = mcpAddress(context.space(), args.channel, conversation);
        const outcome = await replyOutcome(context, address, args.prompt, "ask", extra);
        if (outcome.type === "failed") return errorResult(outcome.code, outcome.message);
        const { reply } = outcome;
        const answer: z.infer<typeof askOutput> = {
          answer: reply.markdown,
          conversation,
          channel: args.channel,
          ...(reply.kind === "notice" ? {} : { usage: reply.usage }),
        };
        return structuredResult(answer, reply.markdown);
      } catch (error) {
        return errorResultOf(error, context.logger);
      }
    },
  );
}
