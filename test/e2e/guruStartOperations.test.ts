import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { fakePlatformsForFile } from "../support/fakePlatforms.js";
import { appMention } from "../support/fakeSlack/events.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { startGuru } from "../support/guruServer.js";
import { parsePrometheusText } from "../support/prometheusText.js";

interface Health {
  readonly status: number;
  readonly body: { status: string; reasons: string[]; parts: Record<string, { ready: boolean }> };
}

async function health(base: string): Promise<Health> {
  const response = await fetch(`${base}/healthz`);
  expect(response.headers.get("content-type")).toBe("application/json");
  return { status: response.status, body: (await response.json()) as Health["body"] };
}

async function scrape(base: string) {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe("guru start's operations port, as a process with Slack (Socket Mode) and Discord", () => {
  const platforms = fakePlatformsForFile();

  it("is healthy once every front is connected, unhealthy while a front is down, counts real requests and logs JSON lines", {
    timeout: 180_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-ops-"));
    const configFile = join(dataDir, "guru.json");
    writeFileSync(
      configFile,
      JSON.stringify({ engine: { slots: 1, maxTokens: 24 }, discord: { registerCommandsAtStart: false } }),
    );
    const guru = startGuru(
      ["start"],
      {
        GURU_MODEL: platforms.model,
        GURU_DATA_DIR: dataDir,
        GURU_CONFIG: configFile,
        GURU_OPS_PORT: "0",
        GURU_LOG_FORMAT: "json",
        SLACK_BOT_TOKEN: workspace.botToken,
        SLACK_APP_TOKEN: workspace.appToken,
        SLACK_API_URL: platforms.slack.apiUrl,
        DISCORD_TOKEN: platforms.discord.world.token,
        DISCORD_API_URL: platforms.discord.apiUrl,
      },
      dataDir,
    );
    await guru.waitForOutput(/"msg":"health and metrics at (http:\/\/127\.0\.0\.1:\d+)\/healthz/, 60_000);
    const base = /health and metrics at (http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(guru.output())?.[1] ?? "";
    await guru.waitForOutput(/Guru is listening on slack and discord/, 90_000);

    const up = await health(base);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe("ok");
    expect(Object.keys(up.body.parts)).toEqual(["engine", "slack", "discord"]);

    // An envelope no app can read: Guru logs the error (with its stack) and carries on.
    platforms.slack.socket.sendRaw(
      JSON.stringify({ type: "events_api", envelope_id: "e-unreadable", payload: {} }),
    );
    await guru.waitForOutput(/"msg":"dropped a Socket Mode message Guru could not read"/);

    // One real question through Slack, which first says "too fast" once and fails an edit with a 500.
    platforms.slack.web.failNext("chat.postMessage", { kind: "rateLimited", retryAfterSeconds: 1 });
    platforms.slack.web.failNext("chat.update", { kind: "serverError", status: 500, landed: false });
    const question = platforms.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `<@${workspace.botUserId}> what is a queue?`,
    });
    await platforms.slack.socket.send("events_api", appMention(question));
    await vi.waitFor(
      async () =>
        expect(
          (await scrape(base)).value("guru_requests_total", {
            front: "slack",
            mode: "ask",
            outcome: "answered",
          }),
        ).toBe(1),
      { timeout: 60_000, interval: 250 },
    );
    const metrics = await scrape(base);
    expect(metrics.value("guru_generated_tokens_total", { front: "slack" })).toBeGreaterThan(0);
    expect(metrics.value("guru_time_to_first_token_seconds_count", { front: "slack" })).toBe(1);
    expect(metrics.value("guru_platform_rate_limits_total", { platform: "slack" })).toBe(1);
    expect(metrics.value("guru_platform_api_errors_total", { platform: "slack", code: "http_500" })).toBe(1);
    expect(metrics.value("guru_memory_database_bytes")).toBeGreaterThan(0);
    expect(metrics.value("guru_ready", { part: "discord" })).toBe(1);

    // Slack's socket drops: unhealthy until the client has reconnected by itself.
    platforms.slack.socket.drop();
    await vi.waitFor(
      async () => {
        const down = await health(base);
        expect(down.status).toBe(503);
        expect(down.body.reasons).toEqual([expect.stringMatching(/^slack: .*Socket Mode/)]);
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(async () => expect((await health(base)).status).toBe(200), {
      timeout: 30_000,
      interval: 250,
    });

    // Discord goes away for good: unhealthy, naming Discord; a stop still ends the process.
    await platforms.discord.close();
    await vi.waitFor(
      async () => {
        const down = await health(base);
        expect(down.status).toBe(503);
        expect(down.body.reasons).toEqual([
          expect.stringMatching(/^discord: the Discord gateway connection is /),
        ]);
      },
      { timeout: 30_000, interval: 100 },
    );
    expect((await scrape(base)).value("guru_ready", { part: "discord" })).toBe(0);

    expect(await guru.stop("SIGTERM")).toBe(0);
    const lines = guru.output().trimEnd().split("\n");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const records = lines.map((line) => JSON.parse(line) as { level: string; msg: string; time: string });
    expect(
      records.every((record) => typeof record.level === "string" && typeof record.time === "string"),
    ).toBe(true);
    expect(records.at(-1)?.msg).toBe("stopped cleanly");
    const dropped = records.find(
      (record) => record.msg === "dropped a Socket Mode message Guru could not read",
    ) as { error?: { type: string; stack: string } } | undefined;
    expect(dropped?.error?.stack).toMatch(/^\w*Error: .*\n\s+at /);
  });
});
