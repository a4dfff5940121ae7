import { z } from "zod";
import { cognitiveAnalysisSchema } from "../service/cognitiveAnalysis.js";
import { memoryViewSchema } from "../service/memoryView.js";

/** The analysis tool returns the published object itself (schemas/cognitive-analysis.v1.json). */
export const analysisOutput = cognitiveAnalysisSchema;

const usage = z.object({
  promptTokens: z.int().min(0),
  cachedPromptTokens: z.int().min(0),
  generatedTokens: z.int().min(0),
  queueMs: z.number().min(0),
  timeToFirstTokenMs: z.number().min(0),
  totalMs: z.number().min(0),
  tokensPerSecond: z.number().min(0),
});

export const askOutput = z.object({
  answer: z.string().describe("Markdown."),
  conversation: z.string().describe("Pass it back as `conversation` to follow up."),
  channel: z.string(),
  usage: usage.optional(),
});

export const searchMemoryOutput = z.object({
  channel: z.string(),
  conversation: z.string().nullable(),
  results: z.array(
    z.object({
      id: z.int(),
      createdAt: z.string().describe("ISO 8601."),
      confidence: z.number().min(0).max(1),
      summary: z.string(),
      analysis: cognitiveAnalysisSchema,
    }),
  ),
});

const serverStatusOutput = z.object({
  url: z.string(),
  kind: z.enum(["llama-server", "openai"]),
  healthy: z.boolean().describe("In rotation: answering health checks and requests."),
  reason: z.string().optional().describe("Why it is out of rotation."),
  model: z.string(),
  slots: z.int().min(0),
  busy: z.int().min(0),
  contextSize: z.int().min(0).describe("Tokens one slot holds; 0 when the server does not say."),
  recentTokensPerSecond: z.number().min(0),
});

export const statusOutput = z.object({
  engine: z.enum(["embedded", "servers"]).describe("This process's own model, or inference servers."),
  model: z.string(),
  backend: z.object({ kind: z.string(), devices: z.array(z.string()) }),
  queue: z.object({
    slots: z
      .int()
      .min(0)
      .describe(
        "Generations that run at once (with servers: the healthy servers' slots; 0 when all are down).",
      ),
    busy: z.int().min(0),
    waiting: z.int().min(0),
  }),
  contextSize: z.int(),
  threads: z.int(),
  recentTokensPerSecond: z.number().min(0),
  completedAnswers: z.int().min(0),
  servers: z
    .array(serverStatusOutput)
    .describe("Each configured inference server (empty for the embedded engine)."),
});

/** What `/memory` shows on the other platforms, for one of the client's conversations. */
export const memoryOutput = memoryViewSchema.extend({
  channel: z.string(),
  conversation: z.string(),
});
