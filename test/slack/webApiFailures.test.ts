import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toMrkdwn } from "../../src/bots/slack/mrkdwn.js";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const engine = useSlackTestEngine();

describe.each(transports)("Slack over %s: when the Web API fails", (transport) => {
  let service: GuruService;
  let rig: SlackRig;

  async function ask(): Promise<string> {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> hi`,
    });
    await rig.settle(appMention(question));
    return question.ts;
  }

  /** The thread as Slack shows it, and the answer as the service stored it (in mrkdwn). */
  function shownAndStored(thread: string): { shown: string[]; stored: string } {
    const memory = service.service.remembered({
      platform: "slack",
      space: workspace.teamId,
      channel: places.general,
      thread,
    });
    return {
      shown: rig.slack.web.botRepliesIn(places.general, thread).map((m) => m.text),
      stored: toMrkdwn(memory?.messages[1]?.text ?? "").trim() || "_(The model gave an empty answer.)_",
    };
  }

  function outcomes(method: string): string[] {
    return rig.slack.web.callsTo(method).map((c) => c.outcome);
  }

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service);
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("waits as long as a 429's Retry-After says, then posts once", async () => {
    rig.slack.web.failNext("chat.postMessage", { kind: "rateLimited", retryAfterSeconds: 1 });
    const thread = await ask();

    const [refused, accepted] = rig.slack.web.callsTo("chat.postMessage");
    expect(outcomes("chat.postMessage")).toEqual(["429", "ok"]);
    expect((accepted?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(rig.slack.web.botRepliesIn(places.general, thread)).toHaveLength(1);
  });

  it("retries an edit that failed with a 500", async () => {
    rig.slack.web.failNext("chat.update", { kind: "serverError", status: 500, landed: false });
    const thread = await ask();

    expect(outcomes("chat.update").slice(0, 2)).toEqual(["500", "ok"]);
    const { shown, stored } = shownAndStored(thread);
    expect(shown).toEqual([stored]);
  });

  it("does not post again when a post that failed with a 500 had landed", async () => {
    rig.slack.web.failNext("chat.postMessage", { kind: "serverError", status: 500, landed: true });
    const thread = await ask();

    expect(outcomes("chat.postMessage")).toEqual(["500"]);
    expect(outcomes("conversations.replies")).toEqual(["ok"]);
    const { shown, stored } = shownAndStored(thread);
    expect(shown).toEqual([stored]);
  });

  it("posts again after a 500 when the post had not landed", async () => {
    rig.slack.web.failNext("chat.postMessage", { kind: "serverError", status: 500, landed: false });
    const thread = await ask();

    expect(outcomes("chat.postMessage")).toEqual(["500", "ok"]);
    const { shown, stored } = shownAndStored(thread);
    expect(shown).toEqual([stored]);
  });

  it("gives up on a permanent error at once and logs Slack's error code", async () => {
    rig.slack.web.failNext("chat.postMessage", { kind: "slackError", error: "channel_not_found" });
    const thread = await ask();

    expect(outcomes("chat.postMessage")).toEqual(["channel_not_found"]);
    expect(rig.slack.web.botRepliesIn(places.general, thread)).toEqual([]);
    expect(
      rig.logs.some(
        (line) =>
          line.includes("chat.postMessage failed") && line.includes('"slackError":"channel_not_found"'),
      ),
    ).toBe(true);
  });

  it("never writes a token to its log, even at debug level", async () => {
    await ask();
    const log = rig.logs.join("\n");
    expect(log).toContain("chat.postMessage");
    for (const token of [workspace.botToken, workspace.appToken, workspace.signingSecret])
      expect(log).not.toContain(token);
  });
});
