import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toMrkdwn } from "../../src/bots/slack/mrkdwn.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import { appMention, messageEdited, messagePosted } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, type SlackSettings, transports } from "./slackRig.js";

const guru = `<@${workspace.botUserId}>`;

function thread(channel: string, ts: string): ConversationAddress {
  return { platform: "slack", space: workspace.teamId, channel, thread: ts };
}

/** What Slack should show for a stored answer. */
function shown(answer: string | undefined): string {
  return toMrkdwn(answer ?? "").trim() || "_(The model gave an empty answer.)_";
}

const engine = useSlackTestEngine();

describe.each(transports)("Slack over %s: where Guru answers", (transport) => {
  let service: GuruService;
  let rig: SlackRig;

  async function open(settings: SlackSettings = {}): Promise<void> {
    await rig.close();
    rig = await openSlackRig(transport, service.service, settings);
  }

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service);
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("answers a mention in the thread of the mentioning message", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} what is a mutex?`,
    });
    await rig.settle(appMention(question));

    const memory = service.service.remembered(thread(places.general, question.ts));
    expect(memory?.messages.map((m) => [m.role, m.text.length > 0 ? "…" : ""])).toEqual([
      ["user", "…"],
      ["assistant", expect.any(String)],
    ]);
    expect(memory?.messages[0]?.text).toBe("what is a mutex?");
    const replies = rig.slack.web.botRepliesIn(places.general, question.ts);
    expect(replies.map((r) => r.text)).toEqual([shown(memory?.messages[1]?.text)]);
    expect(rig.slack.web.botMessagesIn(places.general)).toHaveLength(1);
  });

  it("answers a mention inside a thread in that thread", async () => {
    const root = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: "deploy is failing",
    });
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} why?`,
      threadTs: root.ts,
    });
    await rig.settle(appMention(question));

    expect(rig.slack.web.botRepliesIn(places.general, root.ts)).toHaveLength(1);
    // The thread's earlier message is read as context; the mention is the question.
    const messages = service.service.remembered(thread(places.general, root.ts))?.messages ?? [];
    expect(messages.slice(0, 2).map((m) => [m.origin, m.text])).toEqual([
      ["read", "deploy is failing"],
      ["asked", "why?"],
    ]);
  });

  it("answers a later message in a thread it takes part in, without a new mention", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} hello`,
    });
    await rig.settle(appMention(question));
    const followUp = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: "and what about locks?",
      threadTs: question.ts,
    });
    await rig.settle(messagePosted(followUp, "channel"));

    expect(rig.slack.web.botRepliesIn(places.general, question.ts)).toHaveLength(2);
    const texts = service.service
      .remembered(thread(places.general, question.ts))
      ?.messages.map((m) => m.text);
    expect(texts?.[2]).toBe("and what about locks?");
  });

  it("still follows its threads after a restart", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} hello`,
    });
    await rig.settle(appMention(question));
    service = service.restart();
    await rig.restart(service.service);
    const followUp = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "again",
      threadTs: question.ts,
    });
    await rig.settle(messagePosted(followUp, "channel"));

    expect(rig.slack.web.botRepliesIn(places.general, question.ts)).toHaveLength(2);
  });

  it("stays out of threads it was never asked in", async () => {
    const root = rig.slack.web.userPosts({ user: people.bob, channel: places.general, text: "lunch?" });
    const reply = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "yes",
      threadTs: root.ts,
    });
    await rig.settle(messagePosted(reply, "channel"));
    await rig.settle(messagePosted(root, "channel"));

    expect(rig.slack.web.botMessagesIn(places.general)).toEqual([]);
  });

  it("needs a mention for every thread message when followThreads is off", async () => {
    await open({ followThreads: false });
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} hello`,
    });
    await rig.settle(appMention(question));
    const followUp = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "more",
      threadTs: question.ts,
    });
    await rig.settle(messagePosted(followUp, "channel"));

    expect(rig.slack.web.botRepliesIn(places.general, question.ts)).toHaveLength(1);
  });

  it("answers a DM without a mention, in the DM itself", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.aliceDm,
      text: "what is a semaphore?",
    });
    await rig.settle(messagePosted(question, "im"));

    const dm: ConversationAddress = { platform: "slack", space: null, channel: places.aliceDm, thread: null };
    const memory = service.service.remembered(dm);
    expect(memory?.messages[0]?.text).toBe("what is a semaphore?");
    const messages = rig.slack.web.botMessagesIn(places.aliceDm);
    expect(messages.map((m) => [m.threadTs, m.text])).toEqual([
      [undefined, shown(memory?.messages[1]?.text)],
    ]);
  });

  it("answers a message once when Slack sends it as both app_mention and message", async () => {
    const root = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} start`,
    });
    await rig.settle(appMention(root));
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} again`,
      threadTs: root.ts,
    });
    await Promise.all([rig.event(messagePosted(question, "channel")), rig.event(appMention(question))]);
    await rig.bot.idle();

    expect(rig.slack.web.botRepliesIn(places.general, root.ts)).toHaveLength(2);
  });

  it("ignores its own messages, other bots, edits and other subtypes", async () => {
    const question = rig.slack.web.userPosts({ user: people.alice, channel: places.aliceDm, text: "first" });
    await rig.settle(messagePosted(question, "im"));
    const [own] = rig.slack.web.botMessagesIn(places.aliceDm);
    if (!own) throw new Error("no reply");
    const otherBot = rig.slack.web.userPosts({
      user: people.otherBot,
      botId: "B0OTHER",
      channel: places.aliceDm,
      text: "beep",
    });
    const joined = rig.slack.web.userPosts({ user: people.bob, channel: places.aliceDm, text: "joined" });

    await rig.settle(messagePosted(own, "im"));
    await rig.settle(messagePosted(otherBot, "im"));
    await rig.settle(messageEdited(question, "first, edited", "im"));
    await rig.settle(messagePosted(joined, "im", { subtype: "channel_join" }));

    expect(rig.slack.web.botMessagesIn(places.aliceDm)).toHaveLength(1);
  });

  it("answers other bots when answerBots is on", async () => {
    await open({ answerBots: true });
    const fromBot = rig.slack.web.userPosts({
      user: people.otherBot,
      botId: "B0OTHER",
      channel: places.general,
      text: `${guru} status?`,
    });
    await rig.settle(appMention(fromBot));

    expect(rig.slack.web.botRepliesIn(places.general, fromBot.ts)).toHaveLength(1);
  });

  it("renders `analyze` as Block Kit sections with the confidence", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} analyze our flaky deploys`,
    });
    await rig.settle(appMention(question));

    const [reply] = rig.slack.web.botRepliesIn(places.general, question.ts);
    const sections = (reply?.blocks ?? []).map((b) => JSON.stringify(b));
    expect(sections[0]).toContain("*Summary*");
    expect(sections.some((s) => s.includes("*Confidence: "))).toBe(true);
    expect(reply?.text).toContain("Summary.");
    const memory = service.service.remembered(thread(places.general, question.ts));
    expect(memory?.messages[0]?.text).toBe("our flaky deploys");
    expect(memory?.analyses).toHaveLength(1);
  });

  it("says clearly in the thread when a question is too long", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} ${"x".repeat(2500)}`,
    });
    await rig.settle(appMention(question));

    const [reply] = rig.slack.web.botRepliesIn(places.general, question.ts);
    expect(reply?.text).toMatch(/^:warning: Your message is 2,500 characters long/);
  });

  it("answers a bare mention with help", async () => {
    const question = rig.slack.web.userPosts({ user: people.alice, channel: places.general, text: guru });
    await rig.settle(appMention(question));

    expect(rig.slack.web.botRepliesIn(places.general, question.ts)[0]?.text).toContain("Ask me anything");
  });

  it("forgets a thread when its only asker says `forget`, and stops following it", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} hello`,
    });
    await rig.settle(appMention(question));
    const forget = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} forget`,
      threadTs: question.ts,
    });
    await rig.settle(appMention(forget));
    const later = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "still there?",
      threadTs: question.ts,
    });
    await rig.settle(messagePosted(later, "channel"));

    expect(service.service.remembered(thread(places.general, question.ts))).toBeNull();
    const replies = rig.slack.web.botRepliesIn(places.general, question.ts).map((r) => r.text);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toMatch(/^Forgotten/);
  });

  it("lets only an admin forget a thread others wrote in", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} hello`,
    });
    await rig.settle(appMention(question));
    const forget = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: `${guru} forget`,
      threadTs: question.ts,
    });
    await rig.settle(appMention(forget));

    expect(service.service.remembered(thread(places.general, question.ts))).not.toBeNull();
    expect(rig.slack.web.ephemeral.map((e) => [e.user, e.threadTs])).toEqual([[people.bob, question.ts]]);
    expect(rig.slack.web.ephemeral[0]?.text).toContain("only an admin");
  });
});
