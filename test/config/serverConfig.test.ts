import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { secretNamedValues, serverApiKey } from "../../src/config/secrets.js";
import type { GuruError } from "../../src/errors.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "guru-servers-"));
}

function withConfigFile(content: unknown): { home: string; GURU_CONFIG: string } {
  const home = tempDir();
  writeFileSync(join(home, "guru.json"), JSON.stringify(content));
  return { home, GURU_CONFIG: "guru.json" };
}

/** What `run` threw (a GuruError is expected; anything else fails the test through its fields). */
function thrownBy(run: () => unknown): GuruError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as GuruError;
  }
}

describe("inference servers in the configuration", () => {
  it("reads GURU_SERVERS as llama-server base URLs", () => {
    const { config } = loadConfig({
      environment: { GURU_SERVERS: "http://10.0.0.5:8080, http://10.0.0.6:8080" },
      home: tempDir(),
    });
    expect(config.engine.servers).toEqual([
      { url: "http://10.0.0.5:8080", kind: "llama-server" },
      { url: "http://10.0.0.6:8080", kind: "llama-server" },
    ]);
  });

  it("has no servers by default: the embedded engine answers", () => {
    expect(loadConfig({ environment: {}, home: tempDir() }).config.engine.servers).toEqual([]);
  });

  it("names GURU_SERVERS when one of its URLs is not a URL", () => {
    const error = thrownBy(() => loadConfig({ environment: { GURU_SERVERS: "gpu1:8080" }, home: tempDir() }));
    expect(error?.code).toBe("CONFIG_INVALID");
    expect(error?.message).toContain("engine.servers.0.url");
    expect(error?.message).toContain("GURU_SERVERS");
  });

  it("refuses a user and password in a server's URL without showing them", () => {
    const error = thrownBy(() =>
      loadConfig({ environment: { GURU_SERVERS: "http://guru:hunter2@gpu1:8080" }, home: tempDir() }),
    );
    expect(error?.code).toBe("CONFIG_INVALID");
    expect(error?.message).toContain("apiKeyEnv");
    expect(error?.message).not.toContain("hunter2");
  });

  it("takes servers of both kinds from the config file, and GURU_SERVERS replaces them", () => {
    const { home, GURU_CONFIG } = withConfigFile({
      engine: {
        servers: [
          {
            url: "http://gpu1:8000",
            kind: "openai",
            model: "phi-4-mini",
            slots: 8,
            apiKeyEnv: "VLLM_API_KEY",
          },
        ],
      },
    });
    expect(loadConfig({ environment: { GURU_CONFIG }, home }).config.engine.servers).toEqual([
      { url: "http://gpu1:8000", kind: "openai", model: "phi-4-mini", slots: 8, apiKeyEnv: "VLLM_API_KEY" },
    ]);
    const replaced = loadConfig({ environment: { GURU_CONFIG, GURU_SERVERS: "http://gpu2:8080" }, home });
    expect(replaced.config.engine.servers).toEqual([{ url: "http://gpu2:8080", kind: "llama-server" }]);
  });

  it("refuses an API key written where the name of its variable belongs", () => {
    const { home, GURU_CONFIG } = withConfigFile({
      engine: { servers: [{ url: "http://gpu1:8000", kind: "openai", apiKeyEnv: "sk-abcdefghijklmnop" }] },
    });
    const error = thrownBy(() => loadConfig({ environment: { GURU_CONFIG }, home }));
    expect(error?.code).toBe("CONFIG_INVALID");
    expect(error?.message).toContain("engine.servers.0.apiKeyEnv");
  });

  it("reads a server's API key from the variable apiKeyEnv names, and says when it is missing", () => {
    expect(serverApiKey({ VLLM_API_KEY: " sk-local-123456 " }, "VLLM_API_KEY")).toBe("sk-local-123456");
    const error = thrownBy(() => serverApiKey({}, "VLLM_API_KEY"));
    expect(error?.code).toBe("CONFIG_INVALID");
    expect(error?.message).toContain("VLLM_API_KEY");
  });

  it("hands every secret-named variable's value to the redactor", () => {
    expect(secretNamedValues({ VLLM_API_KEY: "sk-local-123456", GURU_SERVERS: "http://gpu1:8080" })).toEqual([
      "sk-local-123456",
    ]);
  });
});
