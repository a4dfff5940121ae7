import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { seedKeptMemory } from "../support/keptMemory.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

const engine = useSlackTestEngine();

const aliceDm: ConversationAddress = {
  platform: "slack",
  space: null,
  channel: places.aliceDm,
  thread: null,
};

interface SectionBlock {
  readonly type: string;
  readonly text: { readonly type: string; readonly text: string };
}

function sectionTexts(blocks: unknown[] | null | undefined): string[] {
  return ((blocks ?? []) as SectionBlock[]).map((block) => {
    expect(block.type).toBe("section");
    expect(block.text.type).toBe("mrkdwn");
    return block.text.text;
  });
}

/** Everything a person sees, checked to stay inert: no ping, no link, no control character. */
function expectInert(texts: readonly string[]): void {
  for (const text of texts) {
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).not.toMatch(/<[!@#]/);
    expect(text).not.toContain("\u001b");
  }
}

describe("Slack: what Guru keeps, shown", () => {
  let service: GuruService;
  let rig: SlackRig;

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig("socket", service.service);
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("`/guru memory` in a DM shows its summary, latest messages trimmed, and analyses with date and confidence", async () => {
    const long = await seedKeptMemory(service.databasePath, aliceDm, people.alice);

    const reply = await rig.command({ user: people.alice, channel: places.aliceDm, text: "memory" });
    const [intro, heading, summary, messages, analyses] = sectionTexts(reply.blocks);

    expect(intro).toContain("I keep *4 messages* from you");
    expect(heading).toBe(
      "What I keep of this conversation: 8 messages, 1 analysis and a summary of the older turns.",
    );
    expect(summary).toMatch(/^\*Summary of older turns \(updated \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\*\n/);
    expect(summary).toContain("Alice &amp; Bob sized the billing shards &lt;!here&gt;");
    expect(messages).toContain("*Latest 6 of 8 messages*");
    expect(messages).toContain("• *you*, ");
    expect(messages).toContain("&lt;!channel&gt; @everyone @here &lt;@U0BOB&gt;");
    expect(messages).toContain("• *Guru*, ");
    expect(messages).not.toContain(long);
    expect(messages).toContain(`${long.slice(0, 200)}`);
    expect(analyses).toMatch(
      /^\*Latest 1 of 1 analyses\*\n• \d{4}-\d\d-\d\d \d\d:\d\d UTC · confidence 72% · Shard billing by customer id &lt;@U0BOB&gt;$/,
    );
    expect(reply.text).toContain("What I keep of this conversation");
    expectInert(sectionTexts(reply.blocks));
  });

  it("`/guru memory` in a channel says how to see a thread's memory, and shows no conversation", async () => {
    const reply = await rig.command({ user: people.alice, channel: places.general, text: "memory" });

    expect(sectionTexts(reply.blocks)).toEqual([
      "I keep nothing from you.\nTo see what I keep of one thread, say `memory` to me there (`@Guru memory`); only you will see it.",
    ]);
  });

  it("`@Guru memory` in a thread shows that thread's memory to the asker alone, and is not stored", async () => {
    const root = rig.slack.web.userPosts({ user: people.bob, channel: places.general, text: "billing" });
    const thread: ConversationAddress = {
      platform: "slack",
      space: workspace.teamId,
      channel: places.general,
      thread: root.ts,
    };
    await seedKeptMemory(service.databasePath, thread, people.bob);
    const asking = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> memory`,
      threadTs: root.ts,
    });
    await rig.settle(appMention(asking));

    const [shown] = rig.slack.web.callsTo("chat.postEphemeral");
    expect(shown?.args).toMatchObject({ channel: places.general, user: people.alice, thread_ts: root.ts });
    const texts = sectionTexts(shown?.args.blocks as unknown[]);
    expect(texts[1]).toBe(
      "What I keep of this conversation: 8 messages, 1 analysis and a summary of the older turns.",
    );
    expect(texts[3]).toContain("• *someone else*, ");
    expect(texts[3]).not.toContain("• *you*, ");
    expectInert(texts);
    expect(rig.slack.web.botRepliesIn(places.general, root.ts)).toEqual([]);
    expect(service.service.remembered(thread)?.messages).toHaveLength(8);
  });
});
