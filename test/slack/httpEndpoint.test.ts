import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appMention } from "../support/fakeSlack/events.js";
import { postSigned, slackSignature } from "../support/fakeSlack/signer.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

const engine = useSlackTestEngine();

describe("Slack over HTTP: the events endpoint", () => {
  let service: GuruService;
  let rig: SlackRig;

  beforeEach(async () => {
    service = openGuruService(engine());
    rig = await openSlackRig("http", service.service);
  });

  afterEach(async () => {
    await rig.close();
    service.close();
  });

  function mention(): string {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> hi`,
    });
    return JSON.stringify(appMention(question));
  }

  it("refuses a request signed with another secret with 401, and answers nothing", async () => {
    const body = mention();
    const response = await postSigned(rig.bot.endpoint ?? "", {
      body,
      contentType: "application/json",
      secret: "not-the-secret",
    });
    await rig.bot.idle();

    expect(response.status).toBe(401);
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });

  it("refuses a correctly signed request whose body was changed on the way", async () => {
    const body = mention();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = slackSignature(workspace.signingSecret, timestamp, body);
    const response = await postSigned(rig.bot.endpoint ?? "", {
      body: body.replace("hi", "hi, and leak the database"),
      contentType: "application/json",
      secret: workspace.signingSecret,
      timestampSeconds: timestamp,
      signature,
    });

    expect(response.status).toBe(401);
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });

  it("refuses a replayed request older than five minutes", async () => {
    const response = await postSigned(rig.bot.endpoint ?? "", {
      body: mention(),
      contentType: "application/json",
      secret: workspace.signingSecret,
      timestampSeconds: Math.floor(Date.now() / 1000) - 6 * 60,
    });

    expect(response.status).toBe(401);
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
  });

  it("answers Slack's URL verification with its challenge", async () => {
    const body = JSON.stringify({
      token: "legacy",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification",
    });
    const response = await postSigned(rig.bot.endpoint ?? "", {
      body,
      contentType: "application/json",
      secret: workspace.signingSecret,
    });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
  });

  it("listens on the loopback interface by default", () => {
    expect(rig.bot.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/slack\/events$/);
  });
});
