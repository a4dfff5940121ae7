import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { homeExportAction, homeExportSentText, homeForgetAction } from "../../src/bots/slack/appHome.js";
import { forgotUserText } from "../../src/bots/slack/replyTexts.js";
import { appHomeOpened, messagePosted } from "../support/fakeSlack/events.js";
import { blockActions } from "../support/fakeSlack/interactions.js";
import { people, places } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const engine = useSlackTestEngine();

describe.each(transports)("Slack over %s: App Home", (transport) => {
  let service: GuruService;
  let rig: SlackRig;

  /** The text of every block on alice's Home tab, as published. */
  function home(): string {
    const blocks = rig.slack.web.homes.get(people.alice);
    if (!blocks) throw new Error("no Home tab was published for alice");
    return JSON.stringify(blocks);
  }

  async function press(actionId: string, payload = blockActions({ user: people.alice, actionId })) {
    const delivery = await rig.interact(payload);
    await rig.bot.idle();
    expect(delivery.ackMs).toBeLessThan(3000);
  }

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service);
    const question = rig.slack.web.userPosts({ user: people.alice, channel: places.aliceDm, text: "hello" });
    await rig.settle(messagePosted(question, "im"));
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("shows what Guru keeps about the person and Guru's status", async () => {
    await rig.settle(appHomeOpened(people.alice));

    expect(home()).toContain("I keep *1 messages* from you");
    expect(home()).toContain("our DM: 1 messages, 0 analyses");
    expect(home()).toContain(homeExportAction);
    expect(home()).toContain(homeForgetAction);
    expect(home()).toContain("Guru's status");
    expect(home()).toContain("*Model*");
  });

  it("forgets the person at one press, once, and says so on the tab", async () => {
    await rig.settle(appHomeOpened(people.alice));
    const payload = blockActions({ user: people.alice, actionId: homeForgetAction });
    await press(homeForgetAction, payload);
    await press(homeForgetAction, payload);

    expect(service.service.exportUser({ platform: "slack", author: people.alice }).conversations).toEqual([]);
    // The question and Guru's reply to it; a second delivery of the press forgot nothing more.
    expect(home()).toContain(forgotUserText(2, 0));
    expect(home()).toContain("I keep nothing from you.");
  });

  it("sends the export as a JSON file in the person's DM, once", async () => {
    const payload = blockActions({ user: people.alice, actionId: homeExportAction });
    await press(homeExportAction, payload);
    await press(homeExportAction, payload);

    expect(rig.slack.web.files).toHaveLength(1);
    const [file] = rig.slack.web.files;
    expect(file?.channel).toBe(places.aliceDm);
    const exported = JSON.parse(file?.bytes.toString("utf8") ?? "{}");
    expect(exported.user).toEqual({ platform: "slack", author: people.alice });
    expect(JSON.stringify(exported.conversations)).toContain("hello");
    expect(home()).toContain(homeExportSentText);
  });
});
