import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type CognitiveAnalysis, cognitiveAnalysisSchema } from "../../src/service/cognitiveAnalysis.js";
import { publishedAnalysisSchema } from "../../src/service/publishedSchema.js";
import { tinyModelPath } from "../support/tinyModel.js";
import { connectGuruMcp, type GuruMcpClient, textOf } from "./guruMcpClient.js";

const askAnswer = z.object({
  answer: z.string(),
  conversation: z.string(),
  channel: z.string(),
  usage: z.object({ promptTokens: z.int() }),
});
const searchFound = z.object({ results: z.array(z.object({ analysis: cognitiveAnalysisSchema })) });
const statusNow = z.object({
  model: z.string(),
  backend: z.object({ kind: z.string() }),
  queue: z.object({ slots: z.int(), busy: z.int(), waiting: z.int() }),
  completedAnswers: z.int(),
});

function succeeded(result: CallToolResult): unknown {
  expect(result.isError, textOf(result)).not.toBe(true);
  return result.structuredContent;
}

async function analyse(client: GuruMcpClient, prompt: string): Promise<CognitiveAnalysis> {
  return cognitiveAnalysisSchema.parse(succeeded(await client.call("cognitive_analysis", { prompt })));
}

/** The summaries of the analyses a client finds for `query` in one of its channels. */
async function searchSummaries(client: GuruMcpClient, query: string, channel = "default"): Promise<string[]> {
  const found = searchFound.parse(
    succeeded(await client.call("search_memory", { query, channel, limit: 20 })),
  );
  return found.results.map((result) => result.analysis.summary);
}

async function statusOf(client: GuruMcpClient) {
  return statusNow.parse(succeeded(await client.call("status", {})));
}

describe("guru mcp over stdio", () => {
  let model: string;
  let dataDir: string;
  let editor: GuruMcpClient;

  beforeAll(async () => {
    model = await tinyModelPath();
    dataDir = mkdtempSync(join(tmpdir(), "guru-mcp-"));
    editor = await connectGuruMcp({ model, dataDir, clientName: "Editor A", slots: 1 });
  });

  afterAll(async () => {
    await editor?.close();
  });

  it("lists its five tools, each with an input and an output schema", async () => {
    const { tools } = await editor.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "ask",
      "cognitive_analysis",
      "memory",
      "search_memory",
      "status",
    ]);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.description?.length, tool.name).toBeGreaterThan(20);
    }
    const analysis = tools.find((tool) => tool.name === "cognitive_analysis");
    expect(analysis?.inputSchema.required).toEqual(["prompt"]);
    expect(Object.keys(analysis?.outputSchema?.properties ?? {}).sort()).toEqual(
      Object.keys(cognitiveAnalysisSchema.shape).sort(),
    );
  });

  it("returns a cognitive analysis in the published schema, stored where search_memory finds it", async () => {
    const result = await editor.call("cognitive_analysis", { prompt: "Why is the build slow?" });
    const analysis = cognitiveAnalysisSchema.parse(succeeded(result));
    const validate = new Ajv2020({ strict: false }).compile(publishedAnalysisSchema());
    expect(validate(analysis), JSON.stringify(validate.errors)).toBe(true);
    expect(textOf(result)).toContain("**Summary.**");

    expect(await searchSummaries(editor, analysis.summary)).toContain(analysis.summary);
    expect(await searchSummaries(editor, analysis.summary, "elsewhere")).toEqual([]);
  });

  it("answers with ask, and a follow-up in the returned conversation carries its history", async () => {
    const first = askAnswer.parse(succeeded(await editor.call("ask", { prompt: "What is a monorepo?" })));
    const followUp = askAnswer.parse(
      succeeded(
        await editor.call("ask", { prompt: "What is a monorepo?", conversation: first.conversation }),
      ),
    );
    expect(followUp.conversation).toBe(first.conversation);
    expect(followUp.usage.promptTokens).toBeGreaterThan(first.usage.promptTokens);
  });

  it("reports progress while queued and while generating", async () => {
    const seen: Record<string, Progress[]> = { analysis: [], ask: [] };
    // One slot: whichever call comes second waits in the queue.
    await Promise.all([
      editor.call(
        "cognitive_analysis",
        { prompt: "Assess our deploy process" },
        { onprogress: (p) => seen.analysis?.push(p) },
      ),
      editor.call("ask", { prompt: "And the rollback?" }, { onprogress: (p) => seen.ask?.push(p) }),
    ]);
    const messages = [...(seen.analysis ?? []), ...(seen.ask ?? [])].map((p) => p.message);
    expect(messages).toContain("queued: position 1");
    for (const progress of Object.values(seen)) {
      expect(progress.some((p) => p.message?.startsWith("generating"))).toBe(true);
      const values = progress.map((p) => p.progress);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it("cancels the generation when the client cancels, and frees the slot for the next call", async () => {
    const before = await statusOf(editor);
    const cancel = new AbortController();
    const call = editor.call(
      "cognitive_analysis",
      { prompt: "Plan a database migration" },
      { signal: cancel.signal, onprogress: (p) => p.message?.startsWith("generating") && cancel.abort() },
    );
    await expect(call).rejects.toThrow();

    let now = await statusOf(editor);
    for (let tries = 0; tries < 50 && now.queue.busy > 0; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      now = await statusOf(editor);
    }
    expect(now.queue).toMatchObject({ busy: 0, waiting: 0 });
    // Cut short, not finished: the engine counts only completed answers.
    expect(now.completedAnswers).toBe(before.completedAnswers);
    expect(
      askAnswer.parse(succeeded(await editor.call("ask", { prompt: "Still there?" }))).answer,
    ).toBeTypeOf("string");
  });

  it.each([
    ["a missing prompt", "ask", {}, /prompt.*required|required.*prompt/],
    ["a prompt of the wrong type", "ask", { prompt: 42 }, /must be a string/],
    ["a blank prompt", "cognitive_analysis", { prompt: "   " }, /blank/],
    ["a prompt over the input limit", "ask", { prompt: "x".repeat(8001) }, /at most 8000 characters/],
    [
      "a conversation id that is not an id",
      "ask",
      { prompt: "hi", conversation: "../../etc" },
      /conversation/,
    ],
    ["an unknown argument", "ask", { prompt: "hi", colour: "red" }, /colour/],
    ["a limit out of range", "search_memory", { query: "builds", limit: 500 }, /limit/],
    ["an unknown tool", "no_such_tool", {}, /not found/],
  ])("rejects %s as invalid params, with a clear message", async (_case, name, args, message) => {
    const result = await editor.call(name, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("-32602");
    expect(textOf(result)).toMatch(message);
  });

  it("keeps serving after bad arguments, and reports model, backend and queue", async () => {
    const status = await statusOf(editor);
    expect(status.model).toMatch(/\.gguf$/);
    expect(status.backend.kind).toBe("cpu");
    expect(status.queue).toMatchObject({ slots: 1, busy: 0, waiting: 0 });
  });

  it("serves two clients at once from one database, each in its own memory space", async () => {
    const other = await connectGuruMcp({ model, dataDir, clientName: "Editor B" });
    try {
      const [mine, theirs] = await Promise.all([
        analyse(editor, "How should we cache builds?"),
        analyse(other, "Which tests should run first?"),
      ]);
      expect(mine.summary).not.toBe(theirs.summary);
      expect(await searchSummaries(other, theirs.summary)).toContain(theirs.summary);
      expect(await searchSummaries(editor, theirs.summary)).not.toContain(theirs.summary);
      expect(await searchSummaries(other, mine.summary)).not.toContain(mine.summary);
      expect(other.protocolErrors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("writes nothing but the protocol to stdout", () => {
    expect(editor.protocolErrors).toEqual([]);
    expect(editor.stderr()).not.toContain("GURU_INTERNAL");
  });
});
