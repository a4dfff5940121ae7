import { describe, expect, it } from "vitest";
import { renderToTerminal } from "../../src/bots/terminal/terminalRenderer.js";
import type { ReplyUpdate } from "../../src/service/replyUpdate.js";

async function* stream(updates: readonly ReplyUpdate[]): AsyncGenerator<ReplyUpdate> {
  yield* updates;
}

describe("guru chat's progress lines", () => {
  it("says it is reading back before a long conversation's summary, on the status channel", async () => {
    const status: string[] = [];
    const out: string[] = [];

    await renderToTerminal(
      stream([
        { type: "summarizing" },
        { type: "queued", position: 1 },
        { type: "started" },
        { type: "text", text: "Hi" },
        {
          type: "finished",
          reply: {
            kind: "answer",
            markdown: "Hi",
            usage: {
              promptTokens: 1,
              cachedPromptTokens: 0,
              generatedTokens: 1,
              queueMs: 0,
              timeToFirstTokenMs: 0,
              totalMs: 0,
              tokensPerSecond: 0,
            },
          },
        },
      ]),
      { out: (text) => out.push(text), status: (text) => status.push(text) },
    );

    expect(status).toEqual(["(reading back through this conversation…)\n", "(queued — position 1)\n"]);
    expect(out.join("")).toBe("Hi\n");
  });
});
