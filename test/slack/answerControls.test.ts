import { afterEach, describe, expect, it } from "vitest";
import { stopNotes } from "../../src/bots/slack/answerControls.js";
import { queuedText, thinkingText } from "../../src/bots/slack/renderReply.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { appMention } from "../support/fakeSlack/events.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { longAnswersFor } from "../support/longAnswerEngine.js";
import { storedReplies } from "../support/storedReplies.js";
import { type GuruService, openGuruService } from "./guruService.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const admin = "U0ADMIN";
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Guru with one slot, where Alice's answers run long; `admin` is a Slack admin. */
async function openGuru(
  transport: (typeof transports)[number],
): Promise<{ rig: SlackRig; guru: GuruService }> {
  const engine: Engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
  cleanups.push(() => engine.close());
  const guru = openGuruService(longAnswersFor(engine, people.alice));
  cleanups.push(() => guru.close());
  const rig = await openSlackRig(transport, guru.service, { admins: [admin] });
  cleanups.push(() => rig.close());
  return { rig, guru };
}

function hasStop(message: SlackMessage): boolean {
  return JSON.stringify(message.blocks ?? []).includes('"guru_stop"');
}

/** Asks in a new thread of `channel`; resolves with Guru's reply once it shows `shown`. */
async function ask(
  rig: SlackRig,
  user: string,
  channel: string,
  shown: (reply: SlackMessage) => boolean,
): Promise<{ question: SlackMessage; reply: SlackMessage }> {
  const question = rig.slack.web.userPosts({
    user,
    channel,
    text: `<@${workspace.botUserId}> tell me a story`,
  });
  await rig.event(appMention(question));
  const reply = await rig.slack.web.waitFor(() =>
    rig.slack.web.botRepliesIn(channel, question.ts).find((m) => shown(m)),
  );
  return { question, reply };
}

/** Alice's long answer, being written: its text has grown past "thinking…" and it has a Stop button. */
const writing = (m: SlackMessage) =>
  hasStop(m) && m.text !== thinkingText && !m.text.startsWith(":hourglass");

describe.each(transports)("Slack over %s: Stop", (transport) => {
  it("stops the answer: the next queued question starts, the message says stopped, memory keeps the partial marked", async () => {
    const { rig, guru } = await openGuru(transport);
    const alice = await ask(rig, people.alice, places.general, writing);
    const bob = await ask(rig, people.bob, places.random, (m) => m.text === queuedText(1) && hasStop(m));

    const pressed = await rig.press({ user: people.alice, message: alice.reply, actionId: "guru_stop" });
    await rig.bot.idle();

    expect(pressed.status).toBe(200);
    const [stopped] = rig.slack.web.botRepliesIn(places.general, alice.question.ts);
    expect(stopped?.text).toMatch(/Stopped by the person who asked\.$/);
    expect(stopped && hasStop(stopped)).toBe(false);
    const [answered] = rig.slack.web.botRepliesIn(places.random, bob.question.ts);
    expect(answered?.text).not.toMatch(/queued|:warning:/);
    expect(answered && hasStop(answered)).toBe(false);
    const [aliceReply, bobReply] = storedReplies(guru.databasePath);
    expect(aliceReply).toMatchObject({ status: "interrupted", status_reason: "CANCELLED" });
    expect(aliceReply?.text.length).toBeGreaterThan(0);
    expect(bobReply).toMatchObject({ status: "complete" });
  });

  it("refuses a Stop from someone else with a private note, and an admin may stop it", async () => {
    const { rig, guru } = await openGuru(transport);
    const alice = await ask(rig, people.alice, places.general, writing);

    await rig.press({ user: people.bob, message: alice.reply, actionId: "guru_stop" });
    await rig.slack.web.waitFor(() => rig.slack.web.ephemeral.find((e) => e.user === people.bob));
    expect(rig.slack.web.botRepliesIn(places.general, alice.question.ts)[0]?.text).not.toMatch(/Stopped/);
    await rig.press({ user: admin, message: alice.reply, actionId: "guru_stop" });
    await rig.bot.idle();

    expect(rig.slack.web.ephemeral).toEqual([
      { channel: places.general, user: people.bob, text: stopNotes.notAllowed, threadTs: alice.question.ts },
    ]);
    expect(rig.slack.web.botRepliesIn(places.general, alice.question.ts)[0]?.text).toMatch(
      /Stopped by an admin\.$/,
    );
    expect(storedReplies(guru.databasePath)[0]).toMatchObject({ status: "interrupted" });
  });

  it("tells whoever presses Stop on an answer that has finished, once per press", async () => {
    const { rig, guru } = await openGuru(transport);
    const bob = await ask(rig, people.bob, places.random, hasStop);
    // What Bob's Slack client still shows: the message as it was, button and all.
    const stale = { ...bob.reply, blocks: [...(bob.reply.blocks ?? [])] };
    await rig.bot.idle();

    const first = await rig.press({
      user: people.bob,
      message: stale,
      actionId: "guru_stop",
      triggerId: "1.2.redelivered",
    });
    await rig.press({
      user: people.bob,
      message: stale,
      actionId: "guru_stop",
      triggerId: "1.2.redelivered",
    });
    await rig.slack.web.waitFor(() => rig.slack.web.ephemeral.length > 0);
    await rig.bot.idle();

    expect(first.status).toBe(200);
    expect(rig.slack.web.ephemeral.map((e) => e.text)).toEqual([stopNotes.notRunning]);
    expect(storedReplies(guru.databasePath)).toMatchObject([{ status: "complete" }]);
  });
});

describe("Slack over HTTP: interactive payloads", () => {
  it("rejects a press with a forged or stale signature, and the answer goes on", async () => {
    const { rig } = await openGuru("http");
    const alice = await ask(rig, people.alice, places.general, writing);

    const forged = await rig.press({
      user: people.alice,
      message: alice.reply,
      actionId: "guru_stop",
      signing: { signature: "v0=0000000000000000000000000000000000000000000000000000000000000000" },
    });
    const stale = await rig.press({
      user: people.alice,
      message: alice.reply,
      actionId: "guru_stop",
      signing: { timestampSeconds: Math.floor(Date.now() / 1000) - 10 * 60 },
    });

    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    const [reply] = rig.slack.web.botRepliesIn(places.general, alice.question.ts);
    expect(reply && hasStop(reply)).toBe(true);
    await rig.press({ user: people.alice, message: alice.reply, actionId: "guru_stop" });
    await rig.bot.idle();
  });
});
