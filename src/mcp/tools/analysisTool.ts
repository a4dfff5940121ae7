import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { mcpAddress, newConversationId } from "../mcpAddress.js";
import { replyOutcome } from "../replyOutcome.js";
import type { ToolContext } from "../toolContext.js";
import { analysisInput } from "../toolInputs.js";
import { analysisOutput } from "../toolOutputs.js";
import { errorResult, errorResultOf } from "../toolResults.js";

export function registerAnalysisTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "cognitive_analysis",
    {
      title: "Cognitive analysis",
      description:
        "A structured analysis of a prompt by Guru's model: summary, reasoning steps, " +
        "quantitative insights, patterns, recommendations and a computed confidence (token " +
        "probability where the engine gives it, self-assessment, completeness; `confidence.method` " +
        "and `confidence.probabilities` say which). The same object as Guru's /analyze. " +
        "Stored in your memory, so later questions in the same channel build on it.",
      inputSchema: analysisInput(context.maxInputChars),
      outputSchema: analysisOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        const conversation = args.conversation ?? newConversationId();
        const address = mcpAddress(context.space(), args.channel, conversation);
        const outcome = await replyOutcome(context, address, args.prompt, "analyze", extra);
        if (outcome.type === "failed") return errorResult(outcome.code, outcome.message);
        if (outcome.reply.kind !== "analysis") {
          return errorResult("GENERATION_FAILED", "The model gave no analysis. Please try again.");
        }
        return {
          content: [{ type: "text", text: outcome.reply.markdown }],
          structuredContent: outcome.reply.analysis,
          _meta: { "guru/conversation": conversation, "guru/channel": args.channel },
        };
      } catch (error) {
        return errorResultOf(error, context.logger);
      }
    },
  );
}
