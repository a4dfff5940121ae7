import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultModelUri } from "../../src/config/configSchema.js";
import { exportLibraryVariables, readEnvironment } from "../../src/config/environment.js";
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
    const home = tempDir();
    const { config } = loadConfig({ environment: {}, home });
    expect(config.model).toBe(defaultModelUri);
    expect(config.engine.slots).toBe(4);
    expect(config.dataDir).toBe(join(home, "data"));
  });

  it("lets environment variables override the config file", () => {
    const home = tempDir();
    const { config } = loadConfig({
      environment: {
        GURU_MODEL: "./m.gguf",
        GURU_DATA_DIR: "/srv/guru",
        GURU_SLOTS: "2",
        GURU_LOG_LEVEL: "debug",
      },
      home,
    });
    expect(config.model).toBe(join(home, "m.gguf"));
    expect(config.dataDir).toBe("/srv/guru");
    expect(config.engine.slots).toBe(2);
    expect(config.logLevel).toBe("debug");
  });

  it("reads another config file named by GURU_CONFIG", () => {
    const home = tempDir();
    writeFileSync(join(home, "mine.json"), JSON.stringify({ engine: { slots: 8, threads: 3 } }));
    const { config, configFile } = loadConfig({ environment: { GURU_CONFIG: "mine.json" }, home });
    expect(configFile).toBe(join(home, "mine.json"));
    expect(config.engine).toMatchObject({ slots: 8, threads: 3 });
  });

  it("names the key, the value, its source and what was expected when a value is bad", () => {
    const error = configError(() => loadConfig({ environment: { GURU_SLOTS: "0" }, home: tempDir() }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("engine.slots = 0");
    expect(error.message).toContain("environment variable GURU_SLOTS");
    expect(error.message).toMatch(/>=\s*1/);
  });

  it("refuses secrets in the config file, each on its line, naming the key but never the value", () => {
    const home = tempDir();
    writeFileSync(
      join(home, "c.json"),
      JSON.stringify({
        slackBotToken: secret.slackBotToken,
        SLACK_SIGNING_SECRET: secret.slackSigningSecret,
        discord: { token: secret.discordToken },
        slack: { bot_token: secret.slackBotToken, password: "hunter2-hunter2" },
        tokens: { hf: secret.huggingFaceToken },
      }),
    );
    const error = configError(() => loadConfig({ environment: { GURU_CONFIG: "c.json" }, home }));
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
      loadConfig({ environment: {}, home: tempDir(), overrides: { "engine.maxTokens": 0 } }),
    );
    expect(error.message).toContain("engine.maxTokens = 0 (from command-line flag)");
  });

  it("says where a config file stops being JSON without quoting it", () => {
    const home = tempDir();
    // The classic mistake: .env lines in the JSON file.
    writeFileSync(
      join(home, "c.json"),
      `{\n  "model": "x.gguf",\n  SLACK_SIGNING_SECRET=${secret.slackSigningSecret}\n}`,
    );
    const error = configError(() => loadConfig({ environment: { GURU_CONFIG: "c.json" }, home }));

    expect(error.message).toMatch(/is not valid JSON: .*\(line 3, column 3\)$/);
    expect(error.message).not.toContain("SLACK_SIGN");
    expect(leakedSecrets(error.message)).toEqual([]);
  });

  it("puts a command's own defaults below the config file, environment and flags", () => {
    const home = tempDir();
    const commandDefaults = { logLevel: "warn" };
    writeFileSync(join(home, "c.json"), JSON.stringify({ logLevel: "debug" }));
    const level = (environment: Record<string, string>, overrides = {}) =>
      loadConfig({ environment, home, commandDefaults, overrides }).config.logLevel;

    expect(level({})).toBe("warn");
    expect(level({ GURU_CONFIG: "c.json" })).toBe("debug");
    expect(level({ GURU_CONFIG: "c.json", GURU_LOG_LEVEL: "error" })).toBe("error");
    expect(level({ GURU_LOG_LEVEL: "error" }, { logLevel: "silent" })).toBe("silent");
  });

  it("reads the home's config/guru.json when no file is named, and --config before GURU_CONFIG", () => {
    const home = tempDir();
    mkdirSync(join(home, "config"));
    writeFileSync(join(home, "config", "guru.json"), JSON.stringify({ engine: { slots: 2 } }));
    writeFileSync(join(home, "env.json"), JSON.stringify({ engine: { slots: 3 } }));
    writeFileSync(join(home, "flag.json"), JSON.stringify({ engine: { slots: 5 } }));
    const slots = (options: { configFile?: string; environment?: Record<string, string> }) =>
      loadConfig({ environment: {}, home, ...options }).config.engine.slots;

    expect(slots({})).toBe(2);
    expect(slots({ environment: { GURU_CONFIG: "env.json" } })).toBe(3);
    expect(slots({ environment: { GURU_CONFIG: "env.json" }, configFile: join(home, "flag.json") })).toBe(5);
  });

  it("resolves relative paths in the config file against the home", () => {
    const home = tempDir();
    writeFileSync(
      join(home, "c.json"),
      JSON.stringify({ model: "models/x.gguf", dataDir: "../shared-data" }),
    );
    const { config } = loadConfig({ environment: { GURU_CONFIG: "c.json" }, home });
    expect(config.model).toBe(join(home, "models", "x.gguf"));
    expect(config.dataDir).toBe(join(home, "..", "shared-data"));
  });

  it("refuses a home that does not exist rather than start an empty one", () => {
    const error = configError(() => loadConfig({ environment: {}, home: join(tempDir(), "typo") }));
    expect(error.message).toMatch(/home .*typo does not exist: create it, or fix GURU_HOME/);
  });

  it("takes the log format and the operations port from GURU_LOG_FORMAT and GURU_OPS_PORT; both are off by default", () => {
    const home = tempDir();

    const defaults = loadConfig({ environment: {}, home }).config;
    const set = loadConfig({ environment: { GURU_LOG_FORMAT: "json", GURU_OPS_PORT: "9464" }, home }).config;

    expect([defaults.logFormat, defaults.ops]).toEqual(["text", { port: null, host: "127.0.0.1" }]);
    expect([set.logFormat, set.ops.port]).toEqual(["json", 9464]);
  });

  it("refuses a log format it does not know, naming GURU_LOG_FORMAT", () => {
    const error = configError(() => loadConfig({ environment: { GURU_LOG_FORMAT: "xml" }, home: tempDir() }));

    expect(error.message).toContain('logFormat = "xml" (from environment variable GURU_LOG_FORMAT)');
  });

  it("says so when GURU_CONFIG points nowhere", () => {
    const error = configError(() =>
      loadConfig({ environment: { GURU_CONFIG: "nope.json" }, home: tempDir() }),
    );
    expect(error.message).toContain("does not exist");
  });

  it("takes secrets only from the environment", () => {
    const { secrets } = loadConfig({
      environment: { SLACK_BOT_TOKEN: "xoxb-abc", DISCORD_TOKEN: "" },
      home: tempDir(),
    });
    expect(secrets).toEqual({ slackBotToken: "xoxb-abc" });
  });
});

describe("readEnvironment", () => {
  it("reads .env, with the process environment winning", () => {
    const home = tempDir();
    writeFileSync(join(home, ".env"), "GURU_TEST_ONLY_A=from-file\nPATH=from-file\n");
    const { variables, envFile } = readEnvironment(home);
    expect(envFile).toBe(join(home, ".env"));
    expect(variables.GURU_TEST_ONLY_A).toBe("from-file");
    expect(variables.PATH).toBe(process.env.PATH);
  });

  it("says which variables came from .env", () => {
    const home = tempDir();
    writeFileSync(join(home, ".env"), "GURU_TEST_ONLY_B=from-file\nPATH=from-file\n");
    expect([...readEnvironment(home).fromEnvFile]).toEqual(["GURU_TEST_ONLY_B"]);
  });
});

describe("exportLibraryVariables", () => {
  it("puts the libraries' variables from .env into process.env, the process environment winning", () => {
    const home = tempDir();
    const names = ["NODE_LLAMA_CPP_GURU_TEST", "GGML_GURU_TEST", "HF_GURU_TEST", "GURU_TEST_OTHER"];
    writeFileSync(
      join(home, ".env"),
      `${names.map((name) => `${name}=from-file`).join("\n")}\nHF_TOKEN=hf_x\n`,
    );
    process.env.HF_GURU_TEST = "from-process";
    try {
      const copied = exportLibraryVariables(readEnvironment(home));

      expect(copied.sort()).toEqual(["GGML_GURU_TEST", "NODE_LLAMA_CPP_GURU_TEST"]);
      expect(process.env.NODE_LLAMA_CPP_GURU_TEST).toBe("from-file");
      expect(process.env.HF_GURU_TEST).toBe("from-process");
      expect(process.env.GURU_TEST_OTHER).toBeUndefined();
    } finally {
      for (const name of names) delete process.env[name];
    }
  });

  it("never copies Guru's own secrets", () => {
    const home = tempDir();
    writeFileSync(join(home, ".env"), "HF_TOKEN=hf_not_for_libraries\n");
    const hadToken = process.env.HF_TOKEN;
    expect(exportLibraryVariables(readEnvironment(home))).toEqual([]);
    expect(process.env.HF_TOKEN).toBe(hadToken);
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
      home: tempDir(),
    });
    expect(config.slack.apiUrl).toBe("http://127.0.0.1:9/api/");
    expect(config.discord).toMatchObject({
      apiUrl: "http://127.0.0.1:9/api",
      clientId: "123456789012345678",
      guildIds: ["111", "222", "333"],
    });
  });
});
