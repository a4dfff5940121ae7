import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

const guru = `<@${workspace.botUserId}>`;

const engine = useSlackTestEngine();

/*
 * Bolt's Socket Mode client waits its `clientPingTimeout` (5 s, left at Slack's default) before it
 * reconnects, so each of these tests takes a few seconds more than the others.
 */
describe("Slack over Socket Mode: a connection that ends", () => {
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

  const ask = (text: string) =>
    rig.slack.web.userPosts({ user: people.alice, channel: places.general, text: `${guru} ${text}` });

  it.each(["refresh_requested", "warning"] as const)(
    "when Slack asks for a new connection (%s), Guru reconnects and answers each question once",
    async (reason) => {
      const before = ask("before the refresh");
      const beforeDelivery = appMention(before);
      await rig.settle(beforeDelivery);

      rig.slack.socket.requestReconnect(reason);
      // Sent while Guru is between connections: Slack holds it for the new one.
      const during = ask("while reconnecting");
      const held = rig.event(appMention(during));
      await rig.slack.socket.connected(2);
      await held;
      // Slack never saw the first ack land, so it sends that event again.
      await rig.settle(beforeDelivery, { retry: 1 });
      const after = ask("after the refresh");
      await rig.settle(appMention(after));

      expect(rig.slack.socket.connections).toBe(2);
      for (const question of [before, during, after]) {
        expect(rig.slack.web.botRepliesIn(places.general, question.ts)).toHaveLength(1);
      }
      expect(rig.slack.web.callsTo("chat.postMessage")).toHaveLength(3);
    },
  );

  it("when the connection drops mid-answer, the answer completes, and nothing is lost or doubled", async () => {
    const streaming = ask("answered across the drop");
    const streamingDelivery = appMention(streaming);
    await rig.event(streamingDelivery);

    rig.slack.socket.drop();
    const during = ask("sent while the connection was down");
    const duringDelivery = appMention(during);
    const held = rig.event(duringDelivery);
    await rig.slack.socket.connected(2);
    await held;
    // Both are redelivered on the new connection, as Slack does with events whose ack it missed.
    await rig.event(streamingDelivery, { retry: 1 });
    await rig.event(duringDelivery, { retry: 1 });
    await rig.bot.idle();

    expect(rig.slack.web.botRepliesIn(places.general, streaming.ts)).toHaveLength(1);
    expect(rig.slack.web.botRepliesIn(places.general, during.ts)).toHaveLength(1);
    expect(rig.slack.web.callsTo("chat.postMessage")).toHaveLength(2);
    const answered = service.service.remembered({
      platform: "slack",
      space: workspace.teamId,
      channel: places.general,
      thread: streaming.ts,
    });
    expect(answered?.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
  });
});
