import { afterEach, describe, expect, it } from "vitest";
import { appMention, messagePosted } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, type SlackSettings, transports } from "./slackRig.js";

const guru = `<@${workspace.botUserId}>`;

const engine = useSlackTestEngine();

describe.each(transports)("Slack over %s: who may ask", (transport) => {
  let service: GuruService;
  let rig: SlackRig;

  async function open(settings: SlackSettings): Promise<void> {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service, settings);
  }

  async function mention(user: string, channel: string, text = "hello"): Promise<string> {
    const question = rig.slack.web.userPosts({ user, channel, text: `${guru} ${text}` });
    await rig.settle(appMention(question));
    return question.ts;
  }

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("answers only allowlisted users, and tells others privately", async () => {
    await open({ allow: { users: [people.alice] } });
    const fromBob = await mention(people.bob, places.general);
    const fromAlice = await mention(people.alice, places.general);

    expect(rig.slack.web.botRepliesIn(places.general, fromBob)).toEqual([]);
    expect(rig.slack.web.ephemeral).toEqual([
      {
        channel: places.general,
        user: people.bob,
        threadTs: fromBob,
        text: expect.stringContaining("not set up to answer you"),
      },
    ]);
    expect(rig.slack.web.botRepliesIn(places.general, fromAlice)).toHaveLength(1);
  });

  it("answers only in allowlisted channels; DMs follow the user list", async () => {
    await open({ allow: { channels: [places.general] } });
    const elsewhere = await mention(people.alice, places.random);
    const dm = rig.slack.web.userPosts({ user: people.alice, channel: places.aliceDm, text: "hi" });
    await rig.settle(messagePosted(dm, "im"));

    expect(rig.slack.web.botRepliesIn(places.random, elsewhere)).toEqual([]);
    expect(rig.slack.web.ephemeral.map((e) => e.channel)).toEqual([places.random]);
    expect(rig.slack.web.botMessagesIn(places.aliceDm)).toHaveLength(1);
  });

  it("answers nothing from a workspace not on the list", async () => {
    await open({ allow: { workspaces: ["T0ELSEWHERE"] } });
    const question = await mention(people.alice, places.general);

    expect(rig.slack.web.botRepliesIn(places.general, question)).toEqual([]);
    expect(
      service.service.remembered({
        platform: "slack",
        space: workspace.teamId,
        channel: places.general,
        thread: question,
      }),
    ).toBeNull();
  });

  it("refuses a slash command from someone not allowed, in the acknowledgement", async () => {
    await open({ allow: { users: [people.alice] } });
    const reply = await rig.command({ user: people.bob, channel: places.general, text: "ask anything" });
    await rig.bot.idle();

    expect(reply.text).toContain("not set up to answer you");
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });

  it("ignores thread follow-ups from people not allowed, without a word", async () => {
    await open({ allow: { users: [people.alice] } });
    const question = await mention(people.alice, places.general);
    const followUp = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: "me too",
      threadTs: question,
    });
    await rig.settle(messagePosted(followUp, "channel"));

    expect(rig.slack.web.botRepliesIn(places.general, question)).toHaveLength(1);
    expect(rig.slack.web.ephemeral).toEqual([]);
  });

  it("tells a user over the rate limit privately when to ask again, and answers nobody twice", async () => {
    await open({ rateLimit: { requests: 2, windowSeconds: 60 } });
    const asked = [
      await mention(people.alice, places.general, "one"),
      await mention(people.alice, places.general, "two"),
      await mention(people.alice, places.general, "three"),
    ];
    const fromBob = await mention(people.bob, places.general, "mine");

    expect(asked.map((ts) => rig.slack.web.botRepliesIn(places.general, ts).length)).toEqual([1, 1, 0]);
    expect(rig.slack.web.ephemeral).toEqual([
      {
        channel: places.general,
        user: people.alice,
        threadTs: asked[2],
        text: expect.stringMatching(/please wait \d+ s and ask again/),
      },
    ]);
    expect(rig.slack.web.botRepliesIn(places.general, fromBob)).toHaveLength(1);
  });
});
