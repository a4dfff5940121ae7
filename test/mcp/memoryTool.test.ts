import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { mcpAddress } from "../../src/mcp/mcpAddress.js";
import { memoryOutput } from "../../src/mcp/toolOutputs.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { keptAnalysisSummary, keptSummary, seedKeptMemory } from "../support/keptMemory.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";
import { connectInProcess, type InProcessMcp } from "./inProcessClient.js";

let engine: Engine;
let rig: ServiceRig;
let editor: InProcessMcp;
let long: string;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 1, contextSize: 1024 });
  rig = openServiceRig(engine);
  long = await seedKeptMemory(rig.databasePath, mcpAddress("editor-m", "default", "c1"), "editor-m");
  editor = await connectInProcess(rig.service, "Editor M");
});

afterAll(async () => {
  await editor?.close();
  rig?.close();
  await engine?.close();
});

async function memoryOf(client: InProcessMcp, args: Record<string, unknown>) {
  const result = (await client.client.callTool({ name: "memory", arguments: args })) as CallToolResult;
  expect(result.isError).not.toBe(true);
  return memoryOutput.parse(result.structuredContent);
}

describe("MCP `memory`", () => {
  it("lists an output schema derived from the view's zod schema", async () => {
    const { tools } = await editor.client.listTools();
    const memory = tools.find((tool) => tool.name === "memory");

    expect(memory?.inputSchema.required).toEqual(["conversation"]);
    expect(Object.keys(memory?.outputSchema?.properties ?? {}).sort()).toEqual(
      Object.keys(memoryOutput.shape).sort(),
    );
  });

  it("returns the summary, the latest messages trimmed and the analyses with date and confidence", async () => {
    const kept = await memoryOf(editor, { conversation: "c1" });

    expect(kept.summary?.text).toBe(keptSummary);
    expect(kept.messageCount).toBe(8);
    expect(kept.latestMessages).toHaveLength(6);
    const longShown = kept.latestMessages.find((m) => m.text.startsWith("invoices"));
    expect(longShown?.trimmed).toBe(true);
    expect(longShown?.text.length).toBeLessThan(long.length);
    expect(kept.latestMessages.every((m) => !m.text.includes("\u001b"))).toBe(true);
    expect(kept.latestAnalyses).toEqual([
      {
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        confidence: 0.72,
        text: keptAnalysisSummary,
        trimmed: false,
      },
    ]);
  });

  it("shows another client nothing of this one's conversation", async () => {
    const other = await connectInProcess(rig.service, "Editor N");
    try {
      const kept = await memoryOf(other, { conversation: "c1" });
      expect(kept).toMatchObject({ summary: null, messageCount: 0, latestMessages: [], analysisCount: 0 });
    } finally {
      await other.close();
    }
  });
});
