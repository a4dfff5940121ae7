import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appMention, messagePosted } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const guru = `<@${workspace.botUserId}>`;

const engine = useSlackTestEngine();

describe.each(transports)("Slack over %s: exactly once", (transport) => {
  let service: GuruService;
  let rig: SlackRig;

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service);
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("never answers a redelivered event a second time", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${guru} once`,
    });
    const delivery = appMention(question);
    await rig.settle(delivery);
    await rig.settle(delivery, { retry: 1 });
    await rig.settle(delivery, { retry: 2 });

    expect(rig.slack.web.botRepliesIn(places.general, question.ts)).toHaveLength(1);
    expect(rig.slack.web.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("never answers a redelivery after a restart", async () => {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.aliceDm,
      text: "once, even across restarts",
    });
    const delivery = messagePosted(question, "im");
    await rig.settle(delivery);
    service = service.restart();
    await rig.restart(service.service);
    await rig.settle(delivery, { retry: 1 });

    expect(rig.slack.web.botMessagesIn(places.aliceDm)).toHaveLength(1);
    expect(
      service.service.remembered({ platform: "slack", space: null, channel: places.aliceDm, thread: null })
        ?.messages,
    ).toHaveLength(2);
  });

  it("acknowledges every event within Slack's 3 s, even with questions queued", async () => {
    const questions = Array.from({ length: 6 }, (_, i) =>
      rig.slack.web.userPosts({ user: people.alice, channel: places.general, text: `${guru} question ${i}` }),
    );
    const deliveries = await Promise.all(questions.map((q) => rig.event(appMention(q))));
    await rig.bot.idle();

    for (const delivery of deliveries) expect(delivery.ackMs).toBeLessThan(3000);
    for (const q of questions) expect(rig.slack.web.botRepliesIn(places.general, q.ts)).toHaveLength(1);
  });
});
