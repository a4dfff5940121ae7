import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appMention } from "../support/fakeSlack/events.js";
import { slackSignature } from "../support/fakeSlack/signer.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type RawResponse, sendRaw } from "../support/rawHttp.js";
import { ScriptedConversations, streamed } from "./scriptedConversations.js";
import { openSlackRig, type SlackRig } from "./slackRig.js";

const tenMegabytes = 10 * 1024 * 1024;

/** Slack's signature headers for `body`, so a refusal is about the body, not the signature. */
function signed(body: Buffer, contentType: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": slackSignature(workspace.signingSecret, timestamp, body.toString("utf8")),
  };
}

describe("Slack over HTTP: hostile request bodies", () => {
  let rig: SlackRig;

  beforeEach(async () => {
    rig = await openSlackRig("http", new ScriptedConversations(streamed("Still here.", 1, 0)));
  });

  afterEach(async () => {
    await rig.close();
  });

  function post(body: Buffer, headers: Record<string, string>, extra = {}): Promise<RawResponse> {
    return sendRaw({ url: rig.bot.endpoint ?? "", headers, body, ...extra });
  }

  /** A real mention afterwards is still answered: the process survived and still serves. */
  async function stillAnswers(): Promise<void> {
    const question = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> are you there?`,
    });
    await rig.settle(appMention(question));
    expect(rig.slack.web.botRepliesIn(places.general, question.ts).map((m) => m.text)).toEqual([
      "Still here.",
    ]);
  }

  it("answers correctly signed malformed JSON with 400 and acts on nothing", async () => {
    const body = Buffer.from('{"type":"event_callback","event":{"type":"app_mention",');
    const response = await post(body, signed(body, "application/json"));

    expect(response.status).toBe(400);
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
    await stillAnswers();
  });

  it("refuses a correctly signed event sent as text/plain with 415, without acting on it", async () => {
    const question = rig.slack.web.userPosts({
      user: people.bob,
      channel: places.general,
      text: `<@${workspace.botUserId}> hi`,
    });
    const body = Buffer.from(JSON.stringify(appMention(question)));
    const response = await post(body, signed(body, "text/plain"));
    await rig.bot.idle();

    expect(response.status).toBe(415);
    expect(rig.slack.web.callsTo("chat.postMessage")).toEqual([]);
    await stillAnswers();
  });

  it("refuses a 10 MB body announced by Content-Length with 413 before reading it", async () => {
    const start = Buffer.from('{"type":"event_callback","padding":"');
    const response = await post(start, signed(start, "application/json"), { claimedLength: tenMegabytes });

    // Only the first bytes were ever sent: a server that waited for the rest would time out.
    expect(response.status).toBe(413);
    await stillAnswers();
  });

  it("stops reading a chunked 10 MB body past the limit and answers 413", async () => {
    const body = Buffer.alloc(tenMegabytes, "a");
    const response = await post(body, { "content-type": "application/json" }, { chunked: true });

    expect(response.status).toBe(413);
    expect(response.bytesSent).toBeLessThan(tenMegabytes);
    await stillAnswers();
  });
});
