import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitOutcomes } from "../../src/cli/exitStatus.js";
import { closedPort } from "../support/closedPort.js";
import { FakeDiscord } from "../support/fakeDiscord/fakeDiscord.js";
import { type FakeSlack, startFakeSlack } from "../support/fakeSlack/fakeSlack.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { runGuru } from "../support/guruProcess.js";
import { tinyModelPath } from "../support/tinyModel.js";

let slack: FakeSlack;
let discord: FakeDiscord;
let tiny: string;
/** Where nothing listens: what a platform that cannot be reached looks like from here. */
let refusedOrigin: string;

beforeAll(async () => {
  [slack, discord, tiny] = await Promise.all([startFakeSlack(), FakeDiscord.start(), tinyModelPath()]);
  refusedOrigin = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  await Promise.all([slack.close(), discord.close()]);
});

function slackEnv(apiUrl: string, botToken: string = workspace.botToken): Record<string, string> {
  return { SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: workspace.appToken, SLACK_API_URL: apiUrl };
}

function discordEnv(apiUrl: string, token: string = discord.world.token): Record<string, string> {
  return { DISCORD_TOKEN: token, DISCORD_API_URL: apiUrl };
}

describe("guru doctor on the platforms", () => {
  it("names the Slack workspace and bot and the Discord application their tokens belong to, and the fronts start would run", async () => {
    const run = await runGuru(["doctor", "--model", tiny], {
      env: { ...slackEnv(slack.apiUrl), ...discordEnv(discord.apiUrl), GURU_MCP_PORT: "3101" },
    });
    expect(run.stdout).toMatch(
      /^ok +slack: SLACK_BOT_TOKEN is bot "guru" \(U0GURUBOT\) in workspace "Guru Test" \(T0GURU\)$/m,
    );
    expect(run.stdout).toMatch(
      /^ok +discord: DISCORD_TOKEN is application "Guru" \(\d+\); Message Content intent on$/m,
    );
    expect(run.stdout).toMatch(
      /^ok +fronts: guru start would run Slack \(Socket Mode\), Discord \(gateway\), MCP over HTTP on 127\.0\.0\.1:3101$/m,
    );
    expect(run.code).toBe(0);
    for (const secret of [workspace.botToken, workspace.appToken, discord.world.token]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });

  it("fails each platform whose token is refused, with what to do and without the token", async () => {
    const wrongSlack = "xoxb-1111-2222-wrongwrongwrong";
    const wrongDiscord = "wrong-discord-token.not-a-secret";
    const run = await runGuru(["doctor", "--model", tiny], {
      env: { ...slackEnv(slack.apiUrl, wrongSlack), ...discordEnv(discord.apiUrl, wrongDiscord) },
    });
    expect(run.code).toBe(exitOutcomes.configuration.status);
    expect(run.stdout).toMatch(
      /^FAIL +slack: GURU_CONFIG_INVALID: Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/m,
    );
    expect(run.stdout).toMatch(/^FAIL +discord: GURU_CONFIG_INVALID: Discord rejected DISCORD_TOKEN/m);
    expect(run.stdout).toContain("fix: put the bot token (xoxb-)");
    expect(run.stdout + run.stderr).not.toContain(wrongSlack);
    expect(run.stdout + run.stderr).not.toContain(wrongDiscord);
  });

  it("reports a platform that refuses connections as unreachable, naming the URL", async () => {
    const run = await runGuru(["doctor", "--model", tiny], {
      env: { ...slackEnv(`${refusedOrigin}/api/`), ...discordEnv(`${refusedOrigin}/api`) },
    });
    expect(run.code).toBe(exitOutcomes.runtime.status);
    expect(run.stdout).toMatch(
      new RegExp(
        `^FAIL +slack: GURU_PLATFORM_UNREACHABLE: Cannot reach Slack at ${refusedOrigin}/api/ \\(connection refused`,
        "m",
      ),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^FAIL +discord: GURU_PLATFORM_UNREACHABLE: Cannot reach Discord at ${refusedOrigin}/api \\(connection refused`,
        "m",
      ),
    );
    expect(run.stdout).toContain("SLACK_API_URL is set to this address");
  });

  it("says when the Slack bot token has neither an app token nor a signing secret to run with", async () => {
    const run = await runGuru(["doctor", "--model", tiny], {
      env: { SLACK_BOT_TOKEN: workspace.botToken, SLACK_API_URL: slack.apiUrl },
    });
    expect(run.stdout).toMatch(/^FAIL +fronts: SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN/m);
  });
});

describe("a platform that refuses connections", () => {
  const startEnv = () => ({ GURU_MODEL: tiny, GURU_LOG_LEVEL: "silent" });

  it("stops guru start with GURU_PLATFORM_UNREACHABLE naming the Slack URL", async () => {
    const run = await runGuru(["start"], { env: { ...startEnv(), ...slackEnv(`${refusedOrigin}/api/`) } });
    expect(run.stderr).toContain(
      `GURU_PLATFORM_UNREACHABLE: Cannot reach Slack at ${refusedOrigin}/api/ (connection refused`,
    );
    expect(run.code).toBe(exitOutcomes.runtime.status);
  });

  it("stops guru start with GURU_PLATFORM_UNREACHABLE when Slack's Web API answers but its Socket Mode socket cannot be reached", async () => {
    const behindFirewall = await startFakeSlack({ socketOrigin: `ws://127.0.0.1:${await closedPort()}` });
    try {
      const run = await runGuru(["start"], { env: { ...startEnv(), ...slackEnv(behindFirewall.apiUrl) } });
      expect(run.stderr).toContain(
        "GURU_PLATFORM_UNREACHABLE: Cannot reach Slack's Socket Mode at the WebSocket address apps.connections.open gave (3 connections failed in a row)",
      );
      expect(run.stderr).not.toContain("ticket=");
      expect(run.code).toBe(exitOutcomes.runtime.status);
    } finally {
      await behindFirewall.close();
    }
  });

  it("stops guru start with GURU_PLATFORM_UNREACHABLE naming the Discord URL", async () => {
    const run = await runGuru(["start"], { env: { ...startEnv(), ...discordEnv(`${refusedOrigin}/api`) } });
    expect(run.stderr).toContain(
      `GURU_PLATFORM_UNREACHABLE: Cannot reach Discord at ${refusedOrigin}/api (connection refused`,
    );
    expect(run.code).toBe(exitOutcomes.runtime.status);
  });

  it("stops guru start with GURU_PLATFORM_UNREACHABLE naming the Discord gateway's URL when only the gateway refuses", async () => {
    const gatewayUrl = `ws://127.0.0.1:${await closedPort()}`;
    const behindFirewall = await FakeDiscord.start({ gatewayUrl });
    try {
      const run = await runGuru(["start"], {
        env: {
          ...startEnv(),
          DISCORD_TOKEN: behindFirewall.world.token,
          DISCORD_API_URL: behindFirewall.apiUrl,
        },
      });
      expect(run.stderr).toContain(
        `GURU_PLATFORM_UNREACHABLE: Cannot reach the Discord gateway at ${gatewayUrl} (`,
      );
      expect(run.code).toBe(exitOutcomes.runtime.status);
    } finally {
      await behindFirewall.close();
    }
  });

  it("stops guru discord register with GURU_PLATFORM_UNREACHABLE", async () => {
    const run = await runGuru(["discord", "register"], { env: discordEnv(`${refusedOrigin}/api`) });
    expect(run.stderr).toContain(`GURU_PLATFORM_UNREACHABLE: Cannot reach Discord at ${refusedOrigin}/api`);
    expect(run.code).toBe(exitOutcomes.runtime.status);
  });
});
