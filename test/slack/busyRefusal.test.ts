import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

let engine: EmbeddedEngine;
let service: ServiceRig;
let rig: SlackRig;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 1, contextSize: 4096, maxWaiting: 0 });
  service = openServiceRig(engine);
  rig = await openSlackRig("socket", service.service);
});

afterAll(async () => {
  await rig?.close();
  service?.close();
  await engine?.close();
});

describe("Slack: a mention in a thread while Guru's line is full", () => {
  it("is told Guru is busy, and nothing of the thread is read or kept for it", async () => {
    const occupant = new AbortController();
    // Takes the only slot as it is made, until the test ends.
    const occupied = collect(
      engine.generate({
        ...chat("occupy", "someone-else"),
        maxTokens: 100_000,
        ignoreEndOfText: true,
        signal: occupant.signal,
      }),
    );
    const root = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: "Deploy plan",
    });
    rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      threadTs: root.ts,
      text: "on Friday",
    });
    const mention = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      threadTs: root.ts,
      text: `<@${workspace.botUserId}> what do you make of this?`,
    });
    await rig.settle(appMention(mention));
    occupant.abort();
    await occupied;

    const replies = rig.slack.web.botRepliesIn(places.general, root.ts).map((m) => m.text);
    expect(replies).toEqual([expect.stringMatching(/^:warning: Guru is busy/)]);
    expect(rig.slack.web.callsTo("conversations.replies")).toEqual([]);
    expect(
      service.service.remembered({
        platform: "slack",
        space: workspace.teamId,
        channel: places.general,
        thread: root.ts,
      }),
    ).toBeNull();
  });
});
