import { describe, expect, it } from "vitest";
import { memoryText } from "../../src/bots/discord/memoryText.js";
import { memoryReply } from "../../src/bots/slack/memoryReply.js";
import { type MemoryView, memoryViewLimits } from "../../src/service/memoryView.js";

/** The largest view: every part at its trimmed length, of characters that grow when escaped. */
function fullView(fill: string): MemoryView {
  const text = (n: number) => fill.repeat(n);
  return {
    summary: {
      text: text(memoryViewLimits.summaryChars),
      trimmed: true,
      updatedAt: "2026-12-01T10:00:00.000Z",
    },
    messageCount: 40,
    latestMessages: Array.from({ length: memoryViewLimits.latestMessages }, (_, i) => ({
      role: i % 2 === 0 ? "user" : "assistant",
      author: i % 2 === 0 ? "U1" : "guru",
      text: `${i}${text(memoryViewLimits.messageChars - 1)}`,
      trimmed: true,
      status: "complete",
      createdAt: `2026-12-01T10:0${i}:00.000Z`,
    })),
    analysisCount: 9,
    latestAnalyses: Array.from({ length: memoryViewLimits.latestAnalyses }, (_, i) => ({
      createdAt: `2026-12-01T11:0${i}:00.000Z`,
      confidence: 0.5,
      text: `${i}${text(memoryViewLimits.analysisChars - 1)}`,
      trimmed: true,
    })),
  };
}

describe("/memory within each platform's limits", () => {
  it.each(["&", "<", "a"])(
    "Slack: every section stays under 3,000 characters, entities whole (%s)",
    (fill) => {
      const reply = memoryReply("intro", fullView(fill), "U1");
      const texts = reply.blocks.map((block) => (block.type === "section" ? (block.text?.text ?? "") : ""));

      expect(texts).toHaveLength(5);
      for (const text of texts) {
        expect(text.length).toBeLessThanOrEqual(3000);
        expect(text).not.toMatch(/&[a-z]*…/);
      }
    },
  );

  it.each(["*", "_", "a"])(
    "Discord: one message under 2,000 characters, the newest lines kept (%s)",
    (fill) => {
      const text = memoryText(fullView(fill), "U1");

      expect(text.length).toBeLessThanOrEqual(2000);
      expect(text).toContain(`• **Guru**, 2026-12-01 10:05 UTC: 5`);
      expect(text).toContain("2026-12-01 11:04 UTC · confidence 50% · 4");
      expect(text).toContain("What I keep of this conversation: 40 messages, 9 analyses and a summary");
    },
  );
});
