import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openFenceAfter, splitMarkdown } from "../../src/bots/common/markdownChunker.js";

describe("splitMarkdown", () => {
  it("keeps a short message whole", () => {
    expect(splitMarkdown("Hello **world**", 100)).toEqual(["Hello **world**"]);
  });

  it("splits at paragraph boundaries first", () => {
    const a = "a".repeat(60);
    const b = "b".repeat(60);
    expect(splitMarkdown(`${a}\n\n${b}`, 100)).toEqual([a, b]);
  });

  it("loses no text of a long answer with prose and code", () => {
    const prose = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} explains step ${i} of the plan.`).join(
      "\n\n",
    );
    const code = Array.from({ length: 40 }, (_, i) => `const value${i} = compute(${i});`).join("\n");
    const text = `${prose}\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
    const parts = splitMarkdown(text, 200);
    const words = (s: string) => s.split(/\s+/).filter((w) => w && !w.startsWith("```"));
    expect(parts.flatMap(words)).toEqual(words(text));
  });

  it("closes a code block at the cut and reopens it with its language", () => {
    const code = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    const parts = splitMarkdown(`Intro\n\n\`\`\`ts\n${code}\n\`\`\`\n\nDone`, 120);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(openFenceAfter(part)).toBeNull();
    expect(parts[1]?.startsWith("```ts\n")).toBe(true);
  });

  it("never exceeds the limit and never leaves a fence open, whatever the input", () => {
    const markdownish = fc.array(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.constantFrom("\n", "\n\n", "```", "```python\n", "\n```\n", " ", "😀", "\uD83D"),
      ),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 40, max: 400 }), (pieces, limit) => {
        const text = pieces.join("");
        const parts = splitMarkdown(text, limit);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(openFenceAfter(part)).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});
