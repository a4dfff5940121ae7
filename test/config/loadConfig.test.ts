import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultModelUri } from "../../src/config/configSchema.js";
import { readEnvironment } from "../../src/config/environment.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { GuruError } from "../../src/errors.js";

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

  it("refuses secrets in the config file", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "c.json"), JSON.stringify({ slackBotToken: "xoxb-1" }));
    const error = configError(() => loadConfig({ environment: { GURU_CONFIG: "c.json" }, cwd }));
    expect(error.message).toContain("slackBotToken");
    expect(error.message).toContain("secrets belong in .env");
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
