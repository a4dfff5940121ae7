import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultModelUri } from "../../src/config/configSchema.js";
import { readEnvironment } from "../../src/config/environment.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { GuruError } from "../../src/errors.js";
import { leakedSecrets, realShapedSecrets as secret } from "../support/realShapedSecrets.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "guru-config-"));
}

function configError(run: () => unknown): GuruError {
  try {
    run();
  } catch (error) {
    if (error instanceof GuruError) return error;
    throw error;
  }
  throw new Error("expected a GuruError");
}

describe("loadConfig", () => {
  it("uses the shipped defaults when nothing is set", () => {
    const cwd = tempDir();
    const { config } = loadConfig({ environment: {}, cwd });
    expect(config.model).toBe(defaultModelUri);
    expect(config.engine.slots).toBe(4);
    expect(config.dataDir).toBe(join(cwd, "data"));
  });

  it("lets environment variables override the config file", () => {
    const cwd = tempDir();
    const { config } = loadConfig({
      environment: {
        GURU_MODEL: "./m.gguf",
        GURU_DATA_DIR: "/srv/guru",
        GURU_SLOTS: "2",
        GURU_LOG_LEVEL: "debug",
      },
      cwd,
    });
    expect(config.model).toBe(join(cwd, "m.gguf"));
    expect(config.dataDir).toBe("/srv/guru");
    expect(config.engine.slots).toBe(2);
    expect(config.logLevel).toBe("debug");
  });

  it("reads another config file named by GURU_CONFIG", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "mine.json"), JSON.stringify({ engine: { slots: 8, threads: 3 } }));
    const { config, configFile } = loadConfig({ environment: { GURU_CONFIG: "mine.json" }, cwd });
    expect(configFile).toBe(join(cwd, "mine.json"));
    expect(config.engine).toMatchObject({ slots: 8, threads: 3 });
  });

  it("names the key, the value, its source and what was expected when a value is bad", () => {
    const error = configError(() => loadConfig({ environment: { GURU_SLOTS: "0" }, cwd: tempDir() }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("engine.slots = 0");
    expect(error.message).toContain("environment variable GURU_SLOTS");
    expect(error.message).toMatch(/>=\s*1/);
  });

  it("refuses secrets in the config file, each on its line, naming the key but never the value", () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, "c.json"),
      JSON.stringify({
        slackBotToken: secret.slackBotToken,
        SLACK_SIGNING_SECRET: secret.slackSigningSecret,
        discord: { token: secret.discordToken },
        slack: { bot_token: secret.slackBotToken, password: "hunter2-hunter2" },
        tokens: { hf: secret.huggingFaceToken },
      }),
    );
    const error = configError(() => loadConfig({ environment: { GURU_CONFIG: "c.json" }, cwd }));
    const lines = error.message.split("\n").slice(1);

    expect(lines).toHaveLength(6);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}slackBotToken = \[redacted\] .*put it in \.env as SLACK_BOT_TOKEN$/),
        expect.stringMatching(/^ {2}SLACK_SIGNING_SECRET = \[redacted\] .*as SLACK_SIGNING_SECRET$/),
        expect.stringMatching(/^ {2}tokens = \{…\} .*no such key/),
        expect.stringMatching(/^ {2}slack\.bot_token = \[redacted\] .*as SLACK_BOT_TOKEN$/),
        expect.stringMatching(/^ {2}slack\.password = \[redacted\] .*put it in \.env$/),
        expect.stringMatching(/^ {2}discord\.token = \[redacted\] .*as DISCORD_TOKEN$/),
      ]),
    );
    expect(leakedSecrets(error.message, [...Object.values(secret), "hunter2-hunter2"])).toEqual([]);
  });

  it("still shows a bad count: maxTokens is not a secret", () => {
    const error = configError(() =>
      loadConfig({ environment: {}, cwd: tempDir(), overrides: { "engine.maxTokens": 0 } }),
    );
    expect(error.message).toContain("engine.maxTokens = 0 (from command-line flag)");
  });

  it("says where a config file stops being JSON without quoting it", () => {
    const cwd = tempDir();
    // The classic mistake: .env lines in the JSON file.
    writeFileSync(
      join(cwd, "c.json"),
      `{\n  "model": "x.gguf",\n  SLACK_SIGNING_SECRET=${secret.slackSigningSecret}\n}`,
    );
    const error = configError(() => loadConfig({ environment: { GURU_CONFIG: "c.json" }, cwd }));

    expect(error.message).toMatch(/is not valid JSON: .*\(line 3, column 3\)$/);
    expect(error.message).not.toContain("SLACK_SIGN");
    expect(leakedSecrets(error.message)).toEqual([]);
  });

  it("puts a command's own defaults below the config file, environment and flags", () => {
    const cwd = tempDir();
    const commandDefaults = { logLevel: "warn" };
    writeFileSync(join(cwd, "c.json"), JSON.stringify({ logLevel: "debug" }));
    const level = (environment: Record<string, string>, overrides = {}) =>
      loadConfig({ environment, cwd, commandDefaults, overrides }).config.logLevel;

    expect(level({})).toBe("warn");
    expect(level({ GURU_CONFIG: "c.json" })).toBe("debug");
    expect(level({ GURU_CONFIG: "c.json", GURU_LOG_LEVEL: "error" })).toBe("error");
    expect(level({ GURU_LOG_LEVEL: "error" }, { logLevel: "silent" })).toBe("silent");
  });

  it("takes the log format and the operations port from GURU_LOG_FORMAT and GURU_OPS_PORT; both are off by default", () => {
    const cwd = tempDir();

    const defaults = loadConfig({ environment: {}, cwd }).config;
    const set = loadConfig({ environment: { GURU_LOG_FORMAT: "json", GURU_OPS_PORT: "9464" }, cwd }).config;

    expect([defaults.logFormat, defaults.ops]).toEqual(["text", { port: null, host: "127.0.0.1" }]);
    expect([set.logFormat, set.ops.port]).toEqual(["json", 9464]);
  });

  it("refuses a log format it does not know, naming GURU_LOG_FORMAT", () => {
    const error = configError(() => loadConfig({ environment: { GURU_LOG_FORMAT: "xml" }, cwd: tempDir() }));

    expect(error.message).toContain('logFormat = "xml" (from environment variable GURU_LOG_FORMAT)');
  });

  it("says so when GURU_CONFIG points nowhere", () => {
    const error = configError(() =>
      loadConfig({ environment: { GURU_CONFIG: "nope.json" }, cwd: tempDir() }),
    );
    expect(error.message).toContain("does not exist");
  });

  it("takes secrets only from the environment", () => {
    const { secrets } = loadConfig({
      environment: { SLACK_BOT_TOKEN: "xoxb-abc", DISCORD_TOKEN: "" },
      cwd: tempDir(),
    });
    expect(secrets).toEqual({ slackBotToken: "xoxb-abc" });
  });
});

describe("readEnvironment", () => {
  it("reads .env, with the process environment winning", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".env"), "GURU_TEST_ONLY_A=from-file\nPATH=from-file\n");
    const { variables, envFile } = readEnvironment(cwd);
    expect(envFile).toBe(join(cwd, ".env"));
    expect(variables.GURU_TEST_ONLY_A).toBe("from-file");
    expect(variables.PATH).toBe(process.env.PATH);
  });

  it("says which variables came from .env", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, ".env"), "GURU_TEST_ONLY_B=from-file\nPATH=from-file\n");
    expect([...readEnvironment(cwd).fromEnvFile]).toEqual(["GURU_TEST_ONLY_B"]);
  });
});

describe("platform settings from the environment", () => {
  it("reads API URLs, the Discord application id and guild list", () => {
    const { config } = loadConfig({
      environment: {
        SLACK_API_URL: "http://127.0.0.1:9/api/",
        DISCORD_API_URL: "http://127.0.0.1:9/api",
        DISCORD_CLIENT_ID: "123456789012345678",
        DISCORD_GUILD_IDS: "111, 222,,333",
      },
      cwd: tempDir(),
    });
    expect(config.slack.apiUrl).toBe("http://127.0.0.1:9/api/");
    expect(config.discord).toMatchObject({
      apiUrl: "http://127.0.0.1:9/api",
      clientId: "123456789012345678",
      guildIds: ["111", "222", "333"],
    });
  });
});
