import { describe, expect, it } from "vitest";
import { mcpAddress } from "../../src/mcp/mcpAddress.js";
import { isSummaryRequest, seedLongHistory, useFoldingEngine } from "../support/longHistory.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";
import { connectInProcess } from "./inProcessClient.js";

const engine = useFoldingEngine();

describe("MCP: `ask` in a conversation whose long history is folded first", () => {
  it("reports progress before the summarizer's generation starts", async () => {
    const received: string[] = [];
    const heardAtSummary: string[][] = [];
    const rig: ServiceRig = openServiceRig(engine(), {
      onGenerate: (request) => {
        if (isSummaryRequest(request)) heardAtSummary.push([...received]);
      },
    });
    const { client, close } = await connectInProcess(rig.service, "Editor F");
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
      await close();
      rig.close();
    }
  }, 120_000);
});
