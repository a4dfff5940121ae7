import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeModelHost, startFakeModelHost } from "../support/fakeModelHost.js";
import { emptyWorkdir, runGuru } from "../support/guruProcess.js";
import { tinyModelPath } from "../support/tinyModel.js";

let tiny: string;

beforeAll(async () => {
  tiny = await tinyModelPath();
});

describe("guru ask", () => {
  it("streams an answer from the model to stdout through the queue", async () => {
    const run = await runGuru(["ask", "--model", tiny, "--max-tokens", "16", "What", "is", "Guru?"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(1);
  });

  it("fails with GURU_MODEL_NOT_FOUND and the fix when the model is missing and no terminal is attached", async () => {
    const run = await runGuru(["ask", "hello"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("GURU_MODEL_NOT_FOUND");
    expect(run.stderr).toContain("guru model pull");
  });

  it("fails with a coded error, not a crash, on a corrupt model file", async () => {
    const cwd = emptyWorkdir();
    const run = await runGuru(["ask", "--model", join(cwd, ".."), "hello"], { cwd });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^GURU_MODEL_INVALID: /);
  });

  it("names the bad key when the configuration is invalid", async () => {
    const run = await runGuru(["ask", "--model", tiny, "hi"], { env: { GURU_SLOTS: "many" } });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("GURU_CONFIG_INVALID");
    expect(run.stderr).toContain('engine.slots = "many"');
  });
});

describe("guru model pull", () => {
  let host: FakeModelHost;

  beforeAll(async () => {
    host = await startFakeModelHost(tiny);
  });

  afterAll(async () => {
    await host.close();
  });

  it("downloads an hf: model into the models folder, and a second pull finds it there", async () => {
    const cwd = emptyWorkdir();
    const env = { HF_ENDPOINT: host.endpoint, GURU_MODEL: "hf:guru-test/tiny-GGUF/tiny.gguf" };
    const first = await runGuru(["model", "pull"], { cwd, env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Model ready:");
    expect(existsSync(join(cwd, "models"))).toBe(true);
    expect(host.requests).toContain("GET /guru-test/tiny-GGUF/resolve/main/tiny.gguf");
    const second = await runGuru(["model", "pull"], { cwd, env });
    expect(second.stdout).toContain("already here");
    const ask = await runGuru(["ask", "--max-tokens", "4", "hi"], { cwd, env });
    expect(ask.code).toBe(0);
  });

  it("fetches a missing model before answering when --pull is given", async () => {
    const run = await runGuru(["ask", "--pull", "--max-tokens", "4", "hi"], {
      env: { HF_ENDPOINT: host.endpoint, GURU_MODEL: "hf:guru-test/tiny-GGUF/tiny.gguf" },
    });
    expect(run.code).toBe(0);
  });
});

describe("guru doctor", () => {
  it("reports each check, and the fix for a missing model", async () => {
    const run = await runGuru(["doctor"]);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^ok +config: valid/m);
    expect(run.stdout).toMatch(/^ok +gpu: none: answers run on the CPU/m);
    expect(run.stdout).toMatch(/^FAIL +model: /m);
    expect(run.stdout).toContain("fix: run `guru model pull`");
  });

  it("passes with a loadable model", async () => {
    const run = await runGuru(["doctor", "--model", tiny]);
    expect(run.stdout).toContain("JinjaTemplate");
    expect(run.code).toBe(0);
  });
});

describe("guru --help", () => {
  it.each([["start"], ["ask"], ["model", "pull"], ["doctor"]])("explains %s", async (...command) => {
    const run = await runGuru([...command, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: guru");
  });
});
