import { afterEach, describe, expect, it } from "vitest";
import { inertMarkdown } from "../../src/bots/slack/inertMarkdown.js";
import { queuedText } from "../../src/bots/slack/renderReply.js";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { ScriptedConversations, type ScriptStep, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const answer = [
  "## Locks",
  "",
  "| lock | waits |",
  "| --- | --- |",
  "| mutex | yes |",
  "",
  "- one\n  - nested",
  "",
  "```ts\nconst x = 1;\n```",
  "",
  "See [the docs](https://example.org/locks).",
].join("\n");

describe.each(transports)("Slack over %s: streamed messages", (transport) => {
  let rig: SlackRig;

  async function open(script: readonly ScriptStep[], streaming: boolean): Promise<void> {
    rig = await openSlackRig(transport, new ScriptedConversations(script), { editIntervalMs: 200 });
    rig.slack.web.supportStreaming(streaming);
  }

  async function ask(text = "go"): Promise<string> {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> ${text}`,
    });
    await rig.settle(appMention(question));
    return question.ts;
  }

  afterEach(async () => {
    await rig.close();
  });

  it("streams the answer where the workspace has streamed messages, shown once", async () => {
    await open(
      [{ type: "queued", position: 2 }, { type: "pause", ms: 250 }, ...streamed(answer, 6, 120)],
      true,
    );
    const thread = await ask();

    const [start] = rig.slack.web.callsTo("chat.startStream");
    expect(start?.args).toMatchObject({
      channel: places.general,
      thread_ts: thread,
      recipient_user_id: people.alice,
      recipient_team_id: workspace.teamId,
    });
    expect(rig.slack.web.callsTo("chat.appendStream").length).toBeGreaterThan(0);
    expect(rig.slack.web.callsTo("chat.stopStream")).toHaveLength(1);
    // The placeholder showed the queue, then went away: the streamed message is the answer.
    expect(rig.slack.web.callsTo("chat.postMessage")[0]?.args.text).toBe(queuedText(2));
    const replies = rig.slack.web.botRepliesIn(places.general, thread);
    expect(replies.map((m) => m.text)).toEqual([answer]);
    expect(replies[0]?.streaming).toBe(false);
  });

  it("falls back to editing the placeholder where streaming is unknown, and decides that once", async () => {
    await open([{ type: "started" }, ...streamed(answer, 4, 100)], false);
    const first = await ask("first");
    const second = await ask("second");

    expect(rig.slack.web.callsTo("chat.startStream").map((c) => c.outcome)).toEqual(["unknown_method"]);
    for (const thread of [first, second]) {
      const replies = rig.slack.web.botRepliesIn(places.general, thread);
      expect(replies).toHaveLength(1);
      // The mrkdwn converter's rendering: the heading in bold, the link as Slack's <url|label>.
      expect(replies[0]?.text).toContain("*Locks*");
      expect(replies[0]?.text).toContain("<https://example.org/locks|the docs>");
    }
  });

  it("keeps mentions the model writes inert in a streamed message", async () => {
    const loud = "Tell <!channel> and <@U0BOB> about <#C0RANDOM>.";
    await open([{ type: "started" }, ...streamed(loud, 5, 60)], true);
    const thread = await ask();

    const [reply] = rig.slack.web.botRepliesIn(places.general, thread);
    expect(reply?.text).not.toMatch(/<[!@#]/);
    expect(reply?.text.replaceAll("\u200b", "")).toBe(loud);
  });

  it("sets the whole answer with chat.update when an append fails, shown once", async () => {
    await open([{ type: "started" }, ...streamed(answer, 6, 120)], true);
    rig.slack.web.failNext("chat.appendStream", { kind: "serverError", status: 500, landed: true });
    const thread = await ask();

    expect(rig.slack.web.callsTo("chat.appendStream")[0]?.outcome).toBe("500");
    const replies = rig.slack.web.botRepliesIn(places.general, thread);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.blocks).toEqual([{ type: "markdown", text: answer }]);
    expect(replies[0]?.text).toBe(answer);
  });

  it("continues a stream whose start failed after it had landed, shown once", async () => {
    // The model takes a moment before its first token: the placeholder is up by then.
    await open([{ type: "started" }, { type: "pause", ms: 250 }, ...streamed(answer, 6, 120)], true);
    rig.slack.web.failNext("chat.startStream", { kind: "serverError", status: 503, landed: true });
    const thread = await ask();

    expect(rig.slack.web.callsTo("chat.startStream").map((c) => c.outcome)).toEqual(["503"]);
    expect(rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text)).toEqual([answer]);
  });

  it("falls back to editing when a start failed without landing, shown once", async () => {
    await open([{ type: "started" }, ...streamed(answer, 6, 120)], true);
    rig.slack.web.failNext("chat.startStream", { kind: "serverError", status: 503, landed: false });
    const thread = await ask();

    const replies = rig.slack.web.botRepliesIn(places.general, thread);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain("*Locks*");
  });

  it("ends a failed answer's stream with the partial text and the reason", async () => {
    await open(
      [
        { type: "started" },
        { type: "text", text: "The first half of" },
        { type: "pause", ms: 50 },
        {
          type: "failed",
          code: "TIMEOUT",
          message: "The answer took too long.",
          partialText: "The first half of",
        },
      ],
      true,
    );
    const thread = await ask();

    expect(rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text)).toEqual([
      "The first half of\n\n:warning: The answer took too long.",
    ]);
  });
});

describe.each(transports)("Slack over %s: streamed messages from the model", (transport) => {
  const engine = useSlackTestEngine();
  let service: GuruService;
  let rig: SlackRig;

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("streams the model's answer once, and memory keeps what was shown", async () => {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service);
    rig.slack.web.supportStreaming(true);
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> what is a queue?`,
    });
    await rig.settle(appMention(question));
    await rig.settle(appMention(question), { retry: 1 });

    expect(rig.slack.web.callsTo("chat.startStream")).toHaveLength(1);
    const replies = rig.slack.web.botRepliesIn(places.general, question.ts);
    expect(replies).toHaveLength(1);
    const memory = service.service.remembered({
      platform: "slack",
      space: workspace.teamId,
      channel: places.general,
      thread: question.ts,
    });
    const kept = memory?.messages.find((m) => m.role === "assistant")?.text ?? "";
    expect(kept.length).toBeGreaterThan(0);
    expect(replies[0]?.text.replaceAll("\u200b", "")).toBe(kept.trim());
  });
});

describe("inert markdown", () => {
  it("gives, for every prefix of a text, a prefix of what it gives for the whole", () => {
    const text = "a <!channel> b <@U1> c <!here> <b>bold</b> <#C9|x> end";
    const whole = inertMarkdown(text, true);
    for (let i = 0; i <= text.length; i += 1) {
      expect(whole.startsWith(inertMarkdown(text.slice(0, i), false))).toBe(true);
    }
    expect(whole).not.toMatch(/<[!@#]/);
  });
});
