import { afterEach, describe, expect, it } from "vitest";
import { queuedText, thinkingText } from "../../src/bots/slack/renderReply.js";
import { messageLimit } from "../../src/bots/slack/replyView.js";
import { appMention } from "../support/fakeSlack/events.js";
import type { RecordedCall } from "../support/fakeSlack/webApi.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { ScriptedConversations, type ScriptStep, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

/** The rig edits at most every 200 ms (config minimum); a real workspace uses 1,000. */
const editIntervalMs = 200;

function fences(text: string): number {
  return text.split("\n").filter((line) => /^\s*```/.test(line)).length;
}

/** Paragraphs of prose with a long code block in the middle: about 12,000 characters. */
function longAnswer(): string {
  const prose = Array.from(
    { length: 12 },
    (_, i) => `Paragraph ${i}: ${"the queue serves users in turn. ".repeat(12)}`,
  );
  const code = Array.from({ length: 120 }, (_, i) => `const value${i} = compute(${i}); // step ${i}`).join(
    "\n",
  );
  return [...prose.slice(0, 6), `\`\`\`ts\n${code}\n\`\`\``, ...prose.slice(6)].join("\n\n");
}

describe.each(transports)("Slack over %s: streaming", (transport) => {
  let rig: SlackRig;

  async function ask(script: readonly ScriptStep[]): Promise<string> {
    rig = await openSlackRig(transport, new ScriptedConversations(script), { editIntervalMs });
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> go`,
    });
    await rig.settle(appMention(question));
    return question.ts;
  }

  /** Every call that posted or edited the message with timestamp `ts`. */
  function writesTo(ts: string): RecordedCall[] {
    const [post] = rig.slack.web.callsTo("chat.postMessage");
    return [post, ...rig.slack.web.callsTo("chat.update").filter((c) => c.args.ts === ts)].filter(
      (c): c is RecordedCall => c !== undefined,
    );
  }

  afterEach(async () => {
    await rig.close();
  });

  it("shows the queue position at once, then thinking, then the text as it grows", async () => {
    const answer = "A mutex lets one thread in at a time; the others wait their turn.";
    const thread = await ask([
      { type: "queued", position: 3 },
      { type: "pause", ms: 300 },
      { type: "queued", position: 1 },
      { type: "pause", ms: 300 },
      { type: "started" },
      { type: "pause", ms: 300 },
      ...streamed(answer, 8, 100),
    ]);

    const [placeholder] = rig.slack.web.botRepliesIn(places.general, thread);
    const texts = writesTo(placeholder?.ts ?? "").map((c) => c.args.text);
    expect(texts[0]).toBe(queuedText(3));
    expect(texts).toContain(queuedText(1));
    expect(texts).toContain(thinkingText);
    expect(texts.at(-1)).toBe(answer);
    expect(rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text)).toEqual([answer]);
  });

  it("edits the message at most once per interval however fast the text streams", async () => {
    const answer = "word ".repeat(200).trim();
    const thread = await ask([{ type: "started" }, ...streamed(answer, 100, 10)]);

    const [placeholder] = rig.slack.web.botRepliesIn(places.general, thread);
    const times = writesTo(placeholder?.ts ?? "").map((c) => c.at);
    const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
    expect(times.length).toBeGreaterThan(2);
    // One write per interval, plus the final edit right after the stream ends.
    expect(times.length).toBeLessThanOrEqual(Math.ceil(span / editIntervalMs) + 2);
    // Measured where Slack receives them, so loopback latency jitters each gap a little.
    const gaps = times.slice(1, -1).map((at, i) => at - (times[i] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(editIntervalMs - 60);
  });

  it("continues a long answer in further thread messages, each under the limit, fences balanced", async () => {
    const answer = longAnswer();
    const thread = await ask([{ type: "started" }, ...streamed(answer, 6, 120)]);

    const parts = rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(messageLimit);
      expect(fences(part) % 2).toBe(0);
    }
    for (const call of rig.slack.web.calls.filter((c) => c.method.startsWith("chat."))) {
      expect(String(call.args.text ?? "").length).toBeLessThanOrEqual(messageLimit);
    }
    const shown = parts.join("\n");
    expect(shown).toContain("Paragraph 0:");
    expect(shown).toContain("const value119 = compute(119);");
    expect(shown.indexOf("Paragraph 11:")).toBeGreaterThan(shown.indexOf("const value0 "));
  });

  it("keeps the partial answer when generation fails, and says why", async () => {
    const thread = await ask([
      { type: "started" },
      { type: "text", text: "The first half of" },
      { type: "pause", ms: 50 },
      {
        type: "failed",
        code: "TIMEOUT",
        message: "The answer took too long.",
        partialText: "The first half of",
      },
    ]);

    expect(rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text)).toEqual([
      "The first half of\n\n:warning: The answer took too long.",
    ]);
  });

  it("says so in the thread when Guru is too busy", async () => {
    const thread = await ask([
      {
        type: "failed",
        code: "QUEUE_FULL",
        message: "I'm busy: too many questions are waiting. Try again in a minute.",
        partialText: "",
      },
    ]);

    expect(rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text)).toEqual([
      ":warning: I'm busy: too many questions are waiting. Try again in a minute.",
    ]);
  });

  it("shows nothing for a duplicate", async () => {
    await ask([{ type: "duplicate" }]);

    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });
});
