import { afterEach, expect, it } from "vitest";
import { appMention } from "../support/fakeSlack/events.js";
import type { RecordedCall } from "../support/fakeSlack/webApi.js";
import { places, workspace } from "../support/fakeSlack/workspace.js";
import { ScriptedConversations, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

/** Slack's Tier 3, which the fake enforces for `chat.update`. */
const tierPerMinute = 50;
const streams = 8;

/** A different answer for each question, long enough to stream for about ten seconds. */
function answerTo(question: string): string {
  return Array.from(
    { length: 12 },
    (_, i) => `${question}, part ${i}: ${"tokens keep coming. ".repeat(6).trim()}`,
  ).join("\n\n");
}

/** The most calls that fell in any one minute. */
function busiestMinute(calls: readonly RecordedCall[]): number {
  return Math.max(
    0,
    ...calls.map((call) => calls.filter((c) => c.at >= call.at && c.at < call.at + 60_000).length),
  );
}

let rig: SlackRig;

afterEach(async () => {
  await rig.close();
});

it("keeps chat.update within Slack's tier with 8 answers streaming at once, and delivers every answer whole, once", async () => {
  // Each answer streams every 100 ms for 10 to 14 s, ending at different times.
  const service = new ScriptedConversations((request) => [
    { type: "started" },
    ...streamed(answerTo(request.text), 100 + 6 * Number(request.text.slice(-1)), 100),
  ]);
  rig = await openSlackRig("socket", service, { editIntervalMs: 200 });
  const questions = Array.from({ length: streams }, (_, i) =>
    rig.slack.web.userPosts({
      // Eight people: one person's eight questions would meet Guru's own per-user limit.
      user: `U0LOAD${i}`,
      channel: places.general,
      text: `<@${workspace.botUserId}> question ${i}`,
    }),
  );
  const started = Date.now();
  await Promise.all(questions.map((question) => rig.event(appMention(question))));
  await rig.bot.idle();

  const updates = rig.slack.web.callsTo("chat.update");
  expect(rig.slack.web.calls.filter((call) => call.outcome === "429")).toEqual([]);
  for (const question of questions) {
    const answer = answerTo(`question ${question.text.slice(-1)}`);
    const replies = rig.slack.web.botRepliesIn(places.general, question.ts);
    expect(replies.map((m) => m.text)).toEqual([answer]);
    expect(
      updates.filter((call) => call.args.ts === replies[0]?.ts && call.args.text === answer),
    ).toHaveLength(1);
  }
  expect(busiestMinute(updates)).toBeLessThanOrEqual(tierPerMinute);
  const finalDelays = questions.map((question) => {
    const final = updates.findLast((call) =>
      String(call.args.text).includes(`question ${question.text.slice(-1)}, part 11`),
    );
    return ((final?.at ?? Number.NaN) - (service.endedAt.get(question.ts) ?? Number.NaN)) / 1000;
  });
  console.info(
    `chat.update with ${streams} streams: ${updates.length} calls in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `busiest minute ${busiestMinute(updates)} (tier ${tierPerMinute}); final edit ` +
      `${Math.min(...finalDelays).toFixed(1)}–${Math.max(...finalDelays).toFixed(1)} s after each stream ended`,
  );
}, 90_000);

it("holds every answer's edits for Retry-After when Slack still answers an edit with 429", async () => {
  const service = new ScriptedConversations((request) => [
    { type: "started" },
    ...streamed(answerTo(request.text), 40, 100),
  ]);
  rig = await openSlackRig("socket", service, { editIntervalMs: 200 });
  const questions = [0, 1].map((i) =>
    rig.slack.web.userPosts({
      user: `U0LOAD${i}`,
      channel: places.general,
      text: `<@${workspace.botUserId}> question ${i}`,
    }),
  );
  // The first edit either answer makes is refused, as when another process shares the app.
  rig.slack.web.failNext("chat.update", { kind: "rateLimited", retryAfterSeconds: 2 });
  await Promise.all(questions.map((question) => rig.event(appMention(question))));
  await rig.bot.idle();

  const updates = rig.slack.web.callsTo("chat.update");
  const refused = updates.find((call) => call.outcome === "429");
  if (!refused) throw new Error("the 429 was never met");
  // An edit already on its way when the 429 came may still land; none is sent after it, until Retry-After.
  expect(updates.filter((call) => call.at > refused.at + 200 && call.at < refused.at + 1900)).toEqual([]);
  expect(updates.filter((call) => call.outcome === "429")).toHaveLength(1);
  for (const question of questions) {
    expect(rig.slack.web.botRepliesIn(places.general, question.ts).map((m) => m.text)).toEqual([
      answerTo(`question ${question.text.slice(-1)}`),
    ]);
  }
}, 60_000);
