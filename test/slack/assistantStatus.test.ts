import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AssistantThreads, generatingStatus, waitingStatus } from "../../src/bots/slack/assistantThreads.js";
import { boltLogger } from "../../src/bots/slack/boltLogger.js";
import { SlackWebApi } from "../../src/bots/slack/slackWebApi.js";
import { silentLogger } from "../../src/log/logger.js";
import type { ReplyUpdate } from "../../src/service/replyUpdate.js";
import { type FakeSlack, startFakeSlack } from "../support/fakeSlack/fakeSlack.js";
import { places, workspace } from "../support/fakeSlack/workspace.js";

const place = { channel: places.aliceDm, threadTs: "1700000000.000100" };

describe("the assistant pane's status line", () => {
  let slack: FakeSlack;
  let threads: AssistantThreads;

  beforeEach(async () => {
    slack = await startFakeSlack();
    const api = SlackWebApi.create({
      token: workspace.botToken,
      apiUrl: slack.apiUrl,
      policy: { attempts: 2, backoffMs: 10, timeoutMs: 5000 },
      logger: silentLogger,
      boltLogger: boltLogger(silentLogger, "error"),
    });
    threads = new AssistantThreads(api, 50);
    threads.add(place.channel, place.threadTs);
  });

  afterEach(async () => {
    await slack.close();
  });

  function statuses(): string[] {
    return slack.web.callsTo("assistant.threads.setStatus").map((c) => String(c.args.status));
  }

  it("sets the line again while a wait lasts, so Slack does not drop it, and clears it at the end", async () => {
    async function* reply(): AsyncGenerator<ReplyUpdate> {
      yield { type: "queued", position: 2 };
      // However long the wait, until Slack has been told the same line twice.
      await slack.web.waitFor(() => statuses().length >= 2);
      yield { type: "started" };
      yield { type: "failed", code: "TIMEOUT", message: "too long", partialText: "" };
    }
    const passed: string[] = [];
    for await (const update of threads.withStatus(place, reply())) passed.push(update.type);

    expect(passed).toEqual(["failed"]);
    expect(statuses().slice(0, 2)).toEqual([waitingStatus(2), waitingStatus(2)]);
    expect(statuses().at(-2)).toBe(generatingStatus);
    expect(statuses().at(-1)).toBe("");
  });

  it("leaves a reply outside the pane's threads alone", async () => {
    async function* reply(): AsyncGenerator<ReplyUpdate> {
      yield { type: "queued", position: 1 };
      yield { type: "started" };
    }
    const passed: string[] = [];
    for await (const update of threads.withStatus({ channel: places.general, threadTs: "1.2" }, reply()))
      passed.push(update.type);

    expect(passed).toEqual(["queued", "started"]);
    expect(statuses()).toEqual([]);
  });
});
