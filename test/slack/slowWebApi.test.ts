import { afterEach, describe, expect, it } from "vitest";
import { splitMarkdown } from "../../src/bots/common/markdownChunker.js";
import { messageLimit } from "../../src/bots/slack/replyView.js";
import { appMention } from "../support/fakeSlack/events.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { places, workspace } from "../support/fakeSlack/workspace.js";
import { ScriptedConversations, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

/** Seconds per Web API call, in any order for calls made close together. */
const slow = { minMs: 300, maxMs: 2000, seed: 14 };

/** Plain paragraphs naming their question: about `paragraphs` × 330 characters. */
function answerTo(question: string, paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) =>
      `${question}, paragraph ${i}: ${"slow networks reorder what is sent close together. ".repeat(6).trim()}`,
  ).join("\n\n");
}

/** The Slack messages an answer fills, in order. */
function partsOf(answer: string): string[] {
  return splitMarkdown(answer, messageLimit);
}

/** Paragraph counts make answers of two or three messages; stream times differ so they end out of order. */
const plan = [
  { name: "first", paragraphs: 30, steps: 30 },
  { name: "second", paragraphs: 14, steps: 5 },
  { name: "third", paragraphs: 24, steps: 15 },
];

function scripted(): ScriptedConversations {
  return new ScriptedConversations((request) => {
    const entry = plan.find((p) => request.text.endsWith(p.name)) ?? plan[0];
    if (!entry) throw new Error("no plan");
    return [{ type: "started" }, ...streamed(answerTo(entry.name, entry.paragraphs), entry.steps, 100)];
  });
}

describe.each(transports)("Slack over %s: a slow Web API", (transport) => {
  let rig: SlackRig;

  afterEach(async () => {
    await rig.close();
  });

  function ask(name: string, person: string, threadTs?: string): SlackMessage {
    return rig.slack.web.userPosts({
      user: person,
      channel: places.general,
      text: `<@${workspace.botUserId}> ${name}`,
      ...(threadTs ? { threadTs } : {}),
    });
  }

  it("keeps each long answer's messages in order in its own thread, none doubled", async () => {
    rig = await openSlackRig(transport, scripted());
    rig.slack.web.slowDown(slow);
    const questions = plan.map((p, i) => ask(p.name, `U0SLOW${i}`));
    await Promise.all(questions.map((question) => rig.event(appMention(question))));
    await rig.bot.idle();

    for (const [i, question] of questions.entries()) {
      const entry = plan[i];
      if (!entry) continue;
      expect(rig.slack.web.botRepliesIn(places.general, question.ts).map((m) => m.text)).toEqual(
        partsOf(answerTo(entry.name, entry.paragraphs)),
      );
    }
  }, 120_000);

  it("answers several questions in one thread in the order they were asked", async () => {
    rig = await openSlackRig(transport, scripted());
    rig.slack.web.slowDown(slow);
    const root = ask("first", "U0SLOW0");
    await rig.event(appMention(root));
    for (const [i, entry] of plan.slice(1).entries()) {
      await rig.event(appMention(ask(entry.name, `U0SLOW${i + 1}`, root.ts)));
    }
    await rig.bot.idle();

    expect(rig.slack.web.botRepliesIn(places.general, root.ts).map((m) => m.text)).toEqual(
      plan.flatMap((entry) => partsOf(answerTo(entry.name, entry.paragraphs))),
    );
  }, 120_000);
});
