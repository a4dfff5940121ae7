import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../support/fakeOpenAiServer.js";
import { emptyWorkdir, runGuru } from "../support/guruProcess.js";

const key = "sk-guru-test-0123456789abcdef";
let fake: FakeOpenAiServer;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
});

afterAll(async () => {
  await fake?.close();
});

/** A working folder whose config file names an OpenAI-compatible server and its key's variable. */
function configuredWorkdir(): string {
  const cwd = emptyWorkdir();
  const servers = [{ url: fake.url, kind: "openai", apiKeyEnv: "GURU_TEST_API_KEY" }];
  writeFileSync(join(cwd, "guru.json"), JSON.stringify({ engine: { servers } }));
  return cwd;
}

describe("an inference server's API key", () => {
  it("is read from the variable apiKeyEnv names, sent as a bearer token, and never printed", async () => {
    const run = await runGuru(["ask", "--log-level", "debug", "hi"], {
      cwd: configuredWorkdir(),
      env: { GURU_CONFIG: "guru.json", GURU_TEST_API_KEY: key },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Hello there!");
    expect(fake.requests.some((request) => request.authorization === `Bearer ${key}`)).toBe(true);
    expect(`${run.stdout}${run.stderr}`).not.toContain(key);
  });

  it("names the variable when it is not set", async () => {
    const run = await runGuru(["ask", "hi"], { cwd: configuredWorkdir(), env: { GURU_CONFIG: "guru.json" } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("GURU_CONFIG_INVALID");
    expect(run.stderr).toContain("GURU_TEST_API_KEY");
  });
});
