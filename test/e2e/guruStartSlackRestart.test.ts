import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appMention } from "../support/fakeSlack/events.js";
import { type FakeSlack, startFakeSlack } from "../support/fakeSlack/fakeSlack.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { killLeftoverGuru, startGuru } from "../support/guruServer.js";
import { tinyModelPath } from "../support/tinyModel.js";

function count(dataDir: string, sql: string): number {
  const db = new Database(join(dataDir, "guru.db"), { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** What a person still waiting reads: a placeholder, not an answer. */
const waiting = /thinking…|queued — position/;

describe("guru start with Slack, killed while answering", () => {
  let fake: FakeSlack;
  let model: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    model = await tinyModelPath();
  });

  afterAll(async () => {
    killLeftoverGuru();
    await fake.close();
  });

  it("after a restart every asker gets the answer in the thread, in the placeholder, exactly once", {
    timeout: 180_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-e2e-"));
    const configFile = join(dataDir, "guru.json");
    writeFileSync(
      configFile,
      JSON.stringify({ engine: { slots: 1, maxTokens: 96 }, slack: { editIntervalMs: 200 } }),
    );
    const env = {
      GURU_MODEL: model,
      GURU_DATA_DIR: dataDir,
      GURU_CONFIG: configFile,
      GURU_LOG_LEVEL: "debug",
      SLACK_BOT_TOKEN: workspace.botToken,
      SLACK_APP_TOKEN: workspace.appToken,
      SLACK_API_URL: fake.apiUrl,
    };
    const guru = startGuru(["start"], env, dataDir);
    await guru.waitForOutput(/Guru is listening on slack/i);
    const askers = [people.alice, people.bob];
    const questions: SlackMessage[] = [];
    for (let i = 0; i < 6; i += 1) {
      const question = fake.web.userPosts({
        user: askers[i % 2] ?? people.alice,
        channel: places.general,
        text: `<@${workspace.botUserId}> question ${i}`,
      });
      questions.push(question);
      await fake.socket.send("events_api", appMention(question));
    }
    // Killed once every question is accepted (stored), while some still wait on their placeholders,
    // noted in the database.
    await vi.waitFor(
      () => {
        expect(count(dataDir, "SELECT COUNT(*) FROM messages WHERE role = 'user'")).toBe(questions.length);
        expect(
          count(dataDir, `SELECT COUNT(*) FROM pending_replies WHERE locator LIKE '%"ts"%'`),
        ).toBeGreaterThanOrEqual(2);
      },
      { timeout: 20_000, interval: 20 },
    );
    expect(await guru.stop("SIGKILL")).toBe("SIGKILL");
    const cutOff = count(dataDir, "SELECT COUNT(*) FROM pending_replies");
    expect(cutOff).toBeGreaterThan(0);
    const stale = questions.filter((q) =>
      fake.web.botRepliesIn(places.general, q.ts).some((m) => waiting.test(m.text)),
    );
    expect(stale.length).toBeGreaterThan(0);

    const restarted = startGuru(["start"], env, dataDir);
    await restarted.waitForOutput(/Guru is listening on slack/i);
    await vi.waitFor(
      () => {
        for (const question of questions) {
          const replies = fake.web.botRepliesIn(places.general, question.ts);
          expect(replies).toHaveLength(1);
          expect(replies[0]?.text).not.toMatch(waiting);
        }
        expect(count(dataDir, "SELECT COUNT(*) FROM pending_replies")).toBe(0);
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(await restarted.stop("SIGTERM")).toBe(0);
    // One reply stored per question; every thread holds exactly the one message Guru posted.
    expect(count(dataDir, "SELECT COUNT(*) FROM messages WHERE role = 'assistant'")).toBe(questions.length);
    expect(fake.web.callsTo("chat.postMessage")).toHaveLength(questions.length);
    expect(restarted.output()).toMatch(/finishing \d+ reply\(ies\) an earlier run left/);
  });

  it("on SIGTERM an answer cut short says so in its thread, and nothing is left for a restart to redo", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-e2e-"));
    const configFile = join(dataDir, "guru.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        engine: { slots: 1, maxTokens: 96, drainGraceMs: 0 },
        slack: { editIntervalMs: 200 },
      }),
    );
    const env = {
      GURU_MODEL: model,
      GURU_DATA_DIR: dataDir,
      GURU_CONFIG: configFile,
      SLACK_BOT_TOKEN: workspace.botToken,
      SLACK_APP_TOKEN: workspace.appToken,
      SLACK_API_URL: fake.apiUrl,
    };
    const guru = startGuru(["start"], env, dataDir);
    await guru.waitForOutput(/Guru is listening on slack/i);
    const questions: SlackMessage[] = [];
    for (let i = 0; i < 4; i += 1) {
      const question = fake.web.userPosts({
        user: i % 2 === 0 ? people.alice : people.bob,
        channel: places.general,
        text: `<@${workspace.botUserId}> stop question ${i}`,
      });
      questions.push(question);
      await fake.socket.send("events_api", appMention(question));
    }
    await vi.waitFor(
      () => expect(questions.some((q) => fake.web.botRepliesIn(places.general, q.ts).length > 0)).toBe(true),
      { timeout: 20_000, interval: 20 },
    );
    expect(await guru.stop("SIGTERM")).toBe(0);
    const cutShort = questions.filter((q) =>
      fake.web.botRepliesIn(places.general, q.ts).some((m) => /shutting down/.test(m.text)),
    );
    expect(cutShort.length).toBeGreaterThan(0);
    for (const question of questions) {
      const replies = fake.web.botRepliesIn(places.general, question.ts);
      expect(replies).toHaveLength(1);
      expect(replies[0]?.text).not.toMatch(waiting);
    }
    expect(count(dataDir, "SELECT COUNT(*) FROM pending_replies")).toBe(0);
    expect(
      count(
        dataDir,
        "SELECT COUNT(*) FROM messages WHERE role = 'assistant' AND status_reason = 'SHUTTING_DOWN'",
      ),
    ).toBe(cutShort.length);
  });
});
