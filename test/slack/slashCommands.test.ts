import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import { messagePosted } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, transports } from "./slackRig.js";

const aliceDm: ConversationAddress = {
  platform: "slack",
  space: null,
  channel: places.aliceDm,
  thread: null,
};

const engine = useSlackTestEngine();

describe.each(transports)("Slack over %s: /guru", (transport) => {
  let service: GuruService;
  let rig: SlackRig;

  async function guru(text: string, channel: string = places.general, user: string = people.alice) {
    const reply = await rig.command({ user, channel, text });
    await rig.bot.idle();
    expect(reply.ackMs).toBeLessThan(3000);
    return reply.text;
  }

  async function chatInDm(text: string): Promise<void> {
    const message = rig.slack.web.userPosts({ user: people.alice, channel: places.aliceDm, text });
    await rig.settle(messagePosted(message, "im"));
  }

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig(transport, service.service);
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  it("`ask` posts the question as the root of a new thread and answers in that thread", async () => {
    expect(await guru("ask what is continuous integration?")).toBeNull();

    const [root, answer] = rig.slack.web.botMessagesIn(places.general);
    expect(root?.text).toBe(`<@${people.alice}> asked:\n> what is continuous integration?`);
    expect(answer?.threadTs).toBe(root?.ts);
    const memory = service.service.remembered({
      platform: "slack",
      space: workspace.teamId,
      channel: places.general,
      thread: root?.ts ?? "",
    });
    expect(memory?.messages.map((m) => [m.role, m.author])).toEqual([
      ["user", people.alice],
      ["assistant", "guru"],
    ]);
  });

  it("takes text without a subcommand as a question", async () => {
    await guru("why is the build slow?");

    expect(rig.slack.web.botMessagesIn(places.general)[0]?.text).toContain("> why is the build slow?");
  });

  it("`analyze` answers with analysis blocks in the new thread", async () => {
    await guru("analyze our release cadence");

    const [root, answer] = rig.slack.web.botMessagesIn(places.general);
    expect(root?.text).toContain("asked for an analysis");
    expect(JSON.stringify(answer?.blocks), answer?.text).toContain("*Summary*");
  });

  it("explains `ask` without a question", async () => {
    expect(await guru("ask")).toBe("Usage: `/guru ask <your question>`");
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });

  it("`help` and `status` answer privately in the acknowledgement", async () => {
    expect(await guru("help")).toContain("/guru analyze");
    expect(await guru("status")).toMatch(/^\*Model\* .+ on CPU\n\*Slots\* 0\/2 busy, 0 waiting/);
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });

  it("`forget` in a DM forgets the DM", async () => {
    await chatInDm("remember this");
    expect(service.service.remembered(aliceDm)).not.toBeNull();

    expect(await guru("forget", places.aliceDm)).toMatch(/^Forgotten/);
    expect(service.service.remembered(aliceDm)).toBeNull();
  });

  it("`forget` in a channel explains how to forget a thread", async () => {
    expect(await guru("forget")).toContain("mention me with `forget` in the thread");
  });

  it("`forget me` deletes everything from me, everywhere, and nothing of others", async () => {
    await chatInDm("my secret");
    await guru("ask a question in a channel");
    const bobsQuestion = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.bobDm,
      text: "bob's own",
    });
    await rig.settle(messagePosted(bobsQuestion, "im"));

    expect(await guru("forget me")).toBe(
      "Forgotten: 4 messages (yours and my replies to them) and 0 analyses are deleted.",
    );
    expect(service.service.exportUser({ platform: "slack", author: people.alice }).conversations).toEqual([]);
    expect(service.service.exportUser({ platform: "slack", author: people.bob }).conversations).toHaveLength(
      1,
    );
  });

  it("`memory` tells me what it keeps from me", async () => {
    expect(await guru("memory")).toMatch(/^I keep nothing from you\.\n/);
    await chatInDm("one");
    await chatInDm("two");

    const reply = await rig.command({ user: people.alice, channel: places.aliceDm, text: "memory" });
    expect(reply.text).toContain("I keep *2 messages* from you (with my replies) in *1 conversations*");
    expect(JSON.stringify(reply.blocks)).toContain(
      "What I keep of this conversation: 4 messages, 0 analyses.",
    );
  });

  it("`export` sends my data as a JSON file in my DM", async () => {
    await chatInDm("export me");

    expect(await guru("export")).toBe("I'm sending your data to you as a JSON file in our DM.");
    const [file] = rig.slack.web.files;
    expect(file?.channel).toBe(places.aliceDm);
    const data = JSON.parse(file?.bytes.toString("utf8") ?? "{}");
    expect(data.user).toEqual({ platform: "slack", author: people.alice });
    expect(data.conversations[0].messages[0].text).toBe("export me");
  });

  it("tells me privately when it cannot post in the channel, and logs Slack's error code", async () => {
    rig.slack.web.removeBotFrom(places.random);
    await guru("ask anyone there?", places.random);

    expect(rig.slack.web.responses).toEqual([
      { response_type: "ephemeral", text: expect.stringContaining("Invite me with `/invite @Guru`") },
    ]);
    expect(
      rig.logs.some((line) => line.includes("chat.postMessage failed") && line.includes("not_in_channel")),
    ).toBe(true);
  });
});
