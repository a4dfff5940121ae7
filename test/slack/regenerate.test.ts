import { afterEach, describe, expect, it } from "vitest";
import { regenerateNotes } from "../../src/bots/slack/answerControls.js";
import { toMrkdwn } from "../../src/bots/slack/mrkdwn.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { appMention } from "../support/fakeSlack/events.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { numberedTakes } from "../support/longAnswerEngine.js";
import { storedReplies } from "../support/storedReplies.js";
import { type GuruService, openGuruService } from "./guruService.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Guru with one slot; each answer says which take it is, and the takes in `long` run long. */
async function openGuru(
  transport: (typeof transports)[number],
  long: ReadonlySet<number> = new Set(),
): Promise<{ rig: SlackRig; guru: GuruService }> {
  const engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
  cleanups.push(() => engine.close());
  const guru = openGuruService(numberedTakes(engine, long));
  cleanups.push(() => guru.close());
  const rig = await openSlackRig(transport, guru.service);
  cleanups.push(() => rig.close());
  return { rig, guru };
}

const has = (message: SlackMessage | undefined, actionId: string) =>
  JSON.stringify(message?.blocks ?? []).includes(`"${actionId}"`);

/** Alice asks in #general and Guru answers (take 1); resolves with the thread and the answer's message. */
async function answered(rig: SlackRig): Promise<{ thread: string; answer: SlackMessage }> {
  const question = rig.slack.web.userPosts({
    user: people.alice,
    channel: places.general,
    text: `<@${workspace.botUserId}> what is a mutex?`,
  });
  await rig.settle(appMention(question));
  const [answer] = rig.slack.web.botRepliesIn(places.general, question.ts);
  if (!answer) throw new Error("Guru did not answer");
  return { thread: question.ts, answer };
}

describe.each(transports)("Slack over %s: Regenerate", (transport) => {
  it("replaces the answer in the same message, and memory holds the new one", async () => {
    const { rig, guru } = await openGuru(transport);
    const { thread, answer } = await answered(rig);
    expect(answer.text).toMatch(/^Take 1\./);
    expect(has(answer, "guru_regenerate")).toBe(true);

    await rig.press({ user: people.alice, message: answer, actionId: "guru_regenerate" });
    await rig.slack.web.waitFor(() => answer.text.startsWith("Take 2."));
    await rig.bot.idle();

    expect(rig.slack.web.botRepliesIn(places.general, thread)).toEqual([answer]);
    expect(has(answer, "guru_regenerate")).toBe(true);
    const replies = storedReplies(guru.databasePath);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ status: "complete" });
    expect(toMrkdwn(replies[0]?.text ?? "").trim()).toBe(answer.text);
  });

  it("regenerates once at a time: a second press meanwhile gets a note", async () => {
    const { rig } = await openGuru(transport, new Set([2]));
    const { answer } = await answered(rig);
    // A second client (or a double click) still shows the message as it was, Regenerate and all.
    const stale = { ...answer, blocks: [...(answer.blocks ?? [])] };

    await rig.press({ user: people.alice, message: answer, actionId: "guru_regenerate" });
    await rig.slack.web.waitFor(() => has(answer, "guru_stop"));
    await rig.press({ user: people.alice, message: stale, actionId: "guru_regenerate" });
    await rig.slack.web.waitFor(() => rig.slack.web.ephemeral.length > 0);
    await rig.press({ user: people.alice, message: answer, actionId: "guru_stop" });
    await rig.bot.idle();

    expect(rig.slack.web.ephemeral.map((e) => e.text)).toEqual([regenerateNotes.busy]);
    expect(answer.text).toMatch(/Stopped by the person who asked\.$/);
  });

  it("refuses a Regenerate from someone else with a private note", async () => {
    const { rig, guru } = await openGuru(transport);
    const { answer } = await answered(rig);
    const before = storedReplies(guru.databasePath);

    await rig.press({ user: people.bob, message: answer, actionId: "guru_regenerate" });
    await rig.slack.web.waitFor(() => rig.slack.web.ephemeral.length > 0);
    await rig.bot.idle();

    expect(rig.slack.web.ephemeral.map((e) => [e.user, e.text])).toEqual([
      [people.bob, regenerateNotes.notAllowed],
    ]);
    expect(answer.text).toMatch(/^Take 1\./);
    expect(storedReplies(guru.databasePath)).toEqual(before);
  });
});
