import { afterEach, describe, expect, it } from "vitest";
import { assistantGreeting, suggestedPrompts } from "../../src/bots/slack/assistantPane.js";
import { generatingStatus, waitingStatus } from "../../src/bots/slack/assistantThreads.js";
import { queuedText } from "../../src/bots/slack/renderReply.js";
import {
  assistantThreadContextChanged,
  assistantThreadStarted,
  messagePosted,
} from "../support/fakeSlack/events.js";
import { people, places } from "../support/fakeSlack/workspace.js";
import { ScriptedConversations, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const answer = "A semaphore counts; a mutex is a semaphore of one that its owner releases.";

describe.each(transports)("Slack over %s: the assistant pane", (transport) => {
  let rig: SlackRig;
  let service: ScriptedConversations;

  async function openPane(streaming: boolean): Promise<string> {
    service = new ScriptedConversations([
      { type: "queued", position: 3 },
      { type: "pause", ms: 100 },
      { type: "started" },
      { type: "pause", ms: 100 },
      ...streamed(answer, 4, 60),
    ]);
    rig = await openSlackRig(transport, service);
    rig.slack.web.supportStreaming(streaming);
    // The pane's thread starts with no message of the person's: Slack names it by a ts of its own.
    const threadTs = `${Math.floor(Date.now() / 1000)}.000001`;
    await rig.settle(assistantThreadStarted({ user: people.alice, channel: places.aliceDm, threadTs }));
    return threadTs;
  }

  function thread(threadTs: string) {
    const state = rig.slack.web.assistantThreads.get(`${places.aliceDm}:${threadTs}`);
    if (!state) throw new Error("Guru set nothing on the assistant thread");
    return state;
  }

  afterEach(async () => {
    await rig.close();
  });

  it("greets a person who opens it, with suggested prompts, once", async () => {
    const threadTs = await openPane(true);
    await rig.settle(assistantThreadStarted({ user: people.alice, channel: places.aliceDm, threadTs }), {
      retry: 1,
    });

    expect(rig.slack.web.botRepliesIn(places.aliceDm, threadTs).map((m) => m.text)).toEqual([
      assistantGreeting,
    ]);
    expect(thread(threadTs).prompts).toEqual(suggestedPrompts);
  });

  it.each([
    ["streamed", true],
    ["edited", false],
  ])(
    "titles the thread, shows the status while queued and generating, and answers there (%s)",
    async (_, streaming) => {
      const threadTs = await openPane(streaming);
      const question = rig.slack.web.userPosts({
        user: people.alice,
        channel: places.aliceDm,
        threadTs,
        text: "How does a mutex differ from a semaphore?",
      });
      await rig.settle(messagePosted(question, "im"));

      expect(thread(threadTs).title).toBe("How does a mutex differ from a semaphore?");
      expect(thread(threadTs).statuses).toEqual([waitingStatus(3), generatingStatus, ""]);
      expect(waitingStatus(3)).toBe("waiting — 2 ahead");
      // No placeholder: Slack would clear the status line as soon as Guru posted one.
      expect(rig.slack.web.callsTo("chat.postMessage").map((c) => c.args.text)).not.toContain(queuedText(3));
      expect(rig.slack.web.botRepliesIn(places.aliceDm, threadTs).map((m) => m.text)).toEqual([
        assistantGreeting,
        answer,
      ]);
      expect(service.requests.map((r) => [r.text, r.author, r.eventId])).toEqual([
        [question.text, people.alice, `slack:${places.aliceDm}:${question.ts}`],
      ]);
    },
  );

  it("answers a question delivered twice once", async () => {
    const threadTs = await openPane(true);
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.aliceDm,
      threadTs,
      text: "once?",
    });
    await rig.settle(messagePosted(question, "im"));
    await rig.settle(messagePosted(question, "im"), { retry: 1 });

    expect(service.requests).toHaveLength(1);
    expect(rig.slack.web.botRepliesIn(places.aliceDm, threadTs).map((m) => m.text)).toEqual([
      assistantGreeting,
      answer,
    ]);
  });

  it("takes a change of context without a word in the thread", async () => {
    const threadTs = await openPane(true);
    await rig.settle(
      assistantThreadContextChanged({
        user: people.alice,
        channel: places.aliceDm,
        threadTs,
        contextChannel: places.random,
      }),
    );

    expect(rig.slack.web.botRepliesIn(places.aliceDm, threadTs).map((m) => m.text)).toEqual([
      assistantGreeting,
    ]);
    expect(service.requests).toEqual([]);
  });
});
