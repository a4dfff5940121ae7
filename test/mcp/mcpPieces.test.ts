import { describe, expect, it } from "vitest";
import { conversationKey } from "../../src/conversation/conversationAddress.js";
import { clientSpace, mcpAddress } from "../../src/mcp/mcpAddress.js";
import { ProgressReporter } from "../../src/mcp/progressReporter.js";

describe("an MCP client's memory space", () => {
  it.each([
    ["Claude Code", "claude-code"],
    ["cursor-vscode", "cursor-vscode"],
    ["Zed ✨ Editor", "zed-editor"],
    ["../../slack:T1", "slack-t1"],
    ["", "client"],
    [undefined, "client"],
    ["x".repeat(200), "x".repeat(64)],
  ])("is named after the client: %j → %s", (name, space) => {
    expect(clientSpace(name)).toBe(space);
  });

  it("lives on its own platform, so no Slack or Discord scope can match it", () => {
    expect(conversationKey(mcpAddress("claude-code", "default", "c-1"))).toBe("mcp:claude-code:default:c-1");
  });
});

describe("progress notifications", () => {
  it("report the queue, then generation, with progress that only grows and text at a bounded rate", async () => {
    const sent: [number, string][] = [];
    const reporter = new ProgressReporter(
      async (progress, message) => {
        sent.push([progress, message]);
      },
      { textIntervalMs: 60_000, heartbeatMs: 60_000 },
    );
    reporter.report({ type: "queued", position: 2 });
    reporter.report({ type: "queued", position: 1 });
    reporter.report({ type: "started" });
    reporter.report({ type: "text", text: "Hel" });
    reporter.report({ type: "text", text: "Hello" });
    reporter.report({ type: "finished", reply: { kind: "notice", markdown: "" } });
    expect(sent).toEqual([
      [1, "queued: position 2"],
      [2, "queued: position 1"],
      [3, "generating"],
      [4, "generating: 3 characters so far"],
    ]);
  });

  it("are all out before the call's result: stopping waits for a notification still being sent", async () => {
    let deliver = () => {};
    const events: string[] = [];
    const reporter = new ProgressReporter(
      (_progress, message) =>
        new Promise<void>((resolve) => {
          deliver = () => {
            events.push(`sent ${message}`);
            resolve();
          };
        }),
      { textIntervalMs: 0, heartbeatMs: 60_000 },
    );
    void reporter.report({ type: "text", text: "Hi" });

    const stopped = reporter.stop().then(() => events.push("result"));
    deliver();
    await stopped;

    expect(events).toEqual(["sent generating: 2 characters so far", "result"]);
  });
});
