import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openFenceAfter, splitMarkdown } from "../../src/bots/common/markdownChunker.js";
import { toMrkdwn } from "../../src/bots/slack/mrkdwn.js";
import { messageLimit } from "../../src/bots/slack/replyView.js";

describe("toMrkdwn", () => {
  it("turns Markdown emphasis into Slack's", () => {
    expect(toMrkdwn("**bold**, __bold__, *italic*, _italic_, ~~gone~~")).toBe(
      "*bold*, *bold*, _italic_, _italic_, ~gone~",
    );
    expect(toMrkdwn("**bold with *italic* inside**")).toBe("*bold with _italic_ inside*");
  });

  it("leaves underscores inside words alone", () => {
    expect(toMrkdwn("snake_case_name")).toBe("snake_case_name");
  });

  it("turns headings into bold lines and bullets into •", () => {
    expect(toMrkdwn("## Plan **now**\n- one\n  * two\n3) three\n- [ ] todo")).toBe(
      "*Plan now*\n• one\n  • two\n3. three\n• ☐ todo",
    );
  });

  it("turns links into Slack links, escaping the URL", () => {
    expect(toMrkdwn("[the docs](https://example.com/a?b=1&c=2) and <https://x.test/>")).toBe(
      "<https://example.com/a?b=1&amp;c=2|the docs> and <https://x.test/>",
    );
  });

  it("does not link a script URL", () => {
    expect(toMrkdwn("[click](javascript:alert(1))")).toBe("[click](javascript:alert(1))");
  });

  it("escapes & < > everywhere, so Slack reads no control sequence", () => {
    expect(toMrkdwn("a <b> & <!channel> <@U123>")).toBe("a &lt;b&gt; &amp; &lt;!channel&gt; &lt;@U123&gt;");
  });

  it("keeps code verbatim (but escaped), drops the fence's language, converts nothing inside", () => {
    expect(toMrkdwn("```ts\nif (a < b && **c**) {}\n```\nand `x<y`")).toBe(
      "```\nif (a &lt; b &amp;&amp; **c**) {}\n```\nand `x&lt;y`",
    );
  });

  it("keeps quotes as quotes", () => {
    expect(toMrkdwn("> quoted *word*")).toBe("> quoted _word_");
  });

  it("drops control characters and repairs broken surrogates", () => {
    expect(toMrkdwn("bell\u0007 and \uD800 half\r\nnext")).toBe("bell and \uFFFD half\nnext");
  });

  it("never lets model text produce a Slack control sequence", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const out = toMrkdwn(text);
        for (const match of out.matchAll(/</g)) {
          expect(out.slice(match.index)).toMatch(/^<(https?:\/\/|mailto:)/i);
        }
      }),
    );
  });
});

describe("a long answer in Slack messages", () => {
  it("stays under the limit with balanced fences in every message", () => {
    const block = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ maxLength: 3000 }).map((code) => `\`\`\`sh\n${code}\n\`\`\``),
      fc.constantFrom("- item", "**bold** & <tag>", "x".repeat(5000), "```", "\n"),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 12 }), (blocks) => {
        for (const part of splitMarkdown(toMrkdwn(blocks.join("\n\n")), messageLimit)) {
          expect(part.length).toBeLessThanOrEqual(messageLimit);
          expect(openFenceAfter(part)).toBeNull();
        }
      }),
      { numRuns: 200 },
    );
  });
});
