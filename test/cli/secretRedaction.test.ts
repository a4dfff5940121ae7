import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../support/closedPort.js";
import { emptyWorkdir, type GuruRun, runGuru } from "../support/guruProcess.js";
import { leakedSecrets, realShapedSecrets as secret } from "../support/realShapedSecrets.js";
import { tinyModelPath } from "../support/tinyModel.js";

let tiny: string;

beforeAll(async () => {
  tiny = await tinyModelPath();
});

/** A working folder with these files in it (`guru.json`, `.env`, …). */
function workdir(files: Record<string, string>): string {
  const cwd = emptyWorkdir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return cwd;
}

function printed(run: GuruRun): string {
  return `${run.stdout}${run.stderr}`;
}

/** Every command that reads the configuration, as a person would type it. */
const commands: readonly (readonly string[])[] = [
  ["start"],
  ["doctor"],
  ["ask", "hi"],
  ["analyze", "hi"],
  ["chat"],
  ["mcp"],
  ["model", "pull"],
];

describe("a config file holding every secret, in the spellings people use", () => {
  const configFile = JSON.stringify({
    SLACK_BOT_TOKEN: secret.slackBotToken,
    slack: { appToken: secret.slackAppToken, signingSecret: secret.slackSigningSecret },
    discord: { token: secret.discordToken },
    hfToken: secret.huggingFaceToken,
  });

  it.each(commands)(
    "is refused by `guru %s …` naming each key, showing [redacted] and never a value",
    async (...args) => {
      const cwd = workdir({ "guru.json": configFile });
      const run = await runGuru(args, { cwd, env: { GURU_CONFIG: "guru.json", GURU_MODEL: tiny } });

      expect(run.code).toBe(3);
      expect(printed(run)).toMatch(args[0] === "doctor" ? /^FAIL +config: /m : /^GURU_CONFIG_INVALID: /m);
      for (const [key, variable] of [
        ["SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN"],
        ["slack.appToken", "SLACK_APP_TOKEN"],
        ["slack.signingSecret", "SLACK_SIGNING_SECRET"],
        ["discord.token", "DISCORD_TOKEN"],
        ["hfToken", "HF_TOKEN"],
      ]) {
        expect(printed(run)).toContain(`${key} = [redacted] (from config file `);
        expect(printed(run)).toContain(`put it in .env as ${variable}`);
      }
      expect(leakedSecrets(printed(run))).toEqual([]);
      if (args[0] === "mcp") expect(run.stdout).toBe("");
    },
  );
});

describe("a token pasted into an ordinary setting", () => {
  it("from the environment: the setting is named, the value shown as [redacted]", async () => {
    const run = await runGuru(["start"], {
      env: { GURU_MODEL: tiny, GURU_LOG_LEVEL: secret.slackBotToken, GURU_GPU: secret.discordToken },
    });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain('logLevel = "[redacted]" (from environment variable GURU_LOG_LEVEL)');
    expect(run.stderr).toContain('engine.gpu = "[redacted]" (from environment variable GURU_GPU)');
    expect(leakedSecrets(printed(run))).toEqual([]);
  });

  it("from .env, next to the real secret it repeats: neither is shown", async () => {
    const cwd = workdir({
      ".env": `SLACK_SIGNING_SECRET=${secret.slackSigningSecret}\nGURU_CONTEXT_SIZE=${secret.slackSigningSecret}\nGURU_SLOTS=${secret.slackAppToken}\n`,
    });
    const runs = await Promise.all([
      runGuru(["ask", "--model", tiny, "hi"], { cwd }),
      runGuru(["doctor", "--model", tiny], { cwd }),
    ]);

    for (const run of runs) {
      expect(run.code).toBe(3);
      expect(printed(run)).toContain('engine.contextSize = "[redacted]"');
      expect(printed(run)).toContain('engine.slots = "[redacted]"');
      expect(leakedSecrets(printed(run))).toEqual([]);
    }
  });

  it("from a flag: the model, the log level, an unknown option and a model to pull", async () => {
    const runs = await Promise.all([
      runGuru(["ask", "--model", secret.huggingFaceToken, "hi"]),
      runGuru(["analyze", "--log-level", secret.slackAppToken, "--model", tiny, "hi"]),
      runGuru(["chat", `--token=${secret.slackBotToken}`]),
      runGuru(["model", "pull", secret.discordToken]),
      runGuru(["doctor", "--model", secret.slackSigningSecret]),
    ]);

    // Model missing, bad setting, unknown option (usage), nothing to pull, model check failed.
    expect(runs.map((run) => run.code)).toEqual([4, 3, 2, 4, 4]);
    expect(runs[0]?.stderr).toMatch(/^GURU_MODEL_NOT_FOUND: .*\[redacted\]/);
    expect(runs[1]?.stderr).toContain('logLevel = "[redacted]" (from command-line flag)');
    expect(runs[2]?.stderr).toContain("unknown option '--token=[redacted]'");
    expect(runs[3]?.stderr).toContain("[redacted]");
    expect(runs[4]?.stdout).toMatch(/^FAIL +model: .*\[redacted\]/m);
    expect(leakedSecrets(runs.map(printed).join("\n"))).toEqual([]);
  });
});

describe("guru doctor", () => {
  it("lists the secrets that are set and where from, as [redacted]", async () => {
    const cwd = workdir({
      ".env": `SLACK_BOT_TOKEN=${secret.slackBotToken}\nSLACK_SIGNING_SECRET=${secret.slackSigningSecret}\n`,
    });
    // The platforms' checks go to a local port nothing listens on, never to Slack or Discord.
    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    const run = await runGuru(["doctor", "--model", tiny], {
      cwd,
      env: {
        DISCORD_TOKEN: secret.discordToken,
        HF_TOKEN: secret.huggingFaceToken,
        SLACK_API_URL: `${nowhere}/api/`,
        DISCORD_API_URL: `${nowhere}/api`,
      },
    });

    expect(run.stdout).toMatch(/^FAIL +slack: GURU_PLATFORM_UNREACHABLE: /m);
    expect(run.stdout).toMatch(/^FAIL +discord: GURU_PLATFORM_UNREACHABLE: /m);
    expect(run.stdout).toMatch(
      /^ok +secrets: SLACK_BOT_TOKEN = \[redacted\] \(from .*\.env\), SLACK_SIGNING_SECRET = \[redacted\] \(from .*\.env\), DISCORD_TOKEN = \[redacted\] \(from the environment\), HF_TOKEN = \[redacted\] \(from the environment\)$/m,
    );
    expect(leakedSecrets(printed(run))).toEqual([]);
  });
});
