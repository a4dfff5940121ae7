import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { silentLogger } from "../../src/log/logger.js";
import { createGuruMcpServer } from "../../src/mcp/guruMcpServer.js";
import { mcpAddress } from "../../src/mcp/mcpAddress.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { isSummaryRequest, seedLongHistory } from "../support/longHistory.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";

let engine: Engine;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 1, contextSize: 2048 });
});

afterAll(async () => {
  await engine?.close();
});

describe("MCP: `ask` in a conversation whose long history is folded first", () => {
  it("reports progress before the summarizer's generation starts", async () => {
    const received: string[] = [];
    const heardAtSummary: string[][] = [];
    const rig: ServiceRig = openServiceRig(engine, {
      onGenerate: (request) => {
        if (isSummaryRequest(request)) heardAtSummary.push([...received]);
      },
    });
    const shutdown = new AbortController();
    const server = createGuruMcpServer({
      service: rig.service,
      maxInputChars: 2000,
      logger: silentLogger,
      version: "test",
      shutdown: shutdown.signal,
    });
    const client = new Client({ name: "Editor F", version: "1.0.0" });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
    try {
      seedLongHistory(rig.memory, mcpAddress("editor-f", "default", "long"), "editor-f");

      const result = await client.callTool(
        { name: "ask", arguments: { prompt: "and refunds?", conversation: "long" } },
        undefined,
        { onprogress: (progress) => received.push(progress.message ?? "") },
      );

      expect(result.isError).not.toBe(true);
      expect(heardAtSummary[0]).toEqual(["summarizing the earlier conversation"]);
      expect(received).toContain("generating");
    } finally {
      await client.close();
      await server.close();
      rig.close();
    }
  }, 120_000);
});
