import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeModelHost, startFakeModelHost } from "../support/fakeModelHost.js";
import { emptyWorkdir, runGuru } from "../support/guruProcess.js";
import { questionsStored } from "../support/storedReplies.js";
import { tinyModelPath } from "../support/tinyModel.js";

let tiny: string;
let host: FakeModelHost;
const remoteModel = "hf:guru-test/tiny-GGUF/tiny.gguf";

beforeAll(async () => {
  tiny = await tinyModelPath();
  host = await startFakeModelHost(tiny);
});

afterAll(async () => {
  await host.close();
});

/** A home folder holding `files` (relative paths), e.g. `.env`. */
function homeWith(files: Record<string, string>): string {
  const home = emptyWorkdir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(home, name, ".."), { recursive: true });
    writeFileSync(join(home, name), text);
  }
  return home;
}

describe("guru start on a first run", () => {
  it("with nothing configured and no model, says how to add a front, exits 3 and downloads nothing", async () => {
    const home = homeWith({ ".env": `GURU_MODEL=${remoteModel}\nHF_ENDPOINT=${host.endpoint}\n` });
    const requestsBefore = host.requests.length;
    const run = await runGuru(["start"], { env: { GURU_HOME: home } });

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^GURU_NOT_CONFIGURED: No front is configured/);
    expect(run.stderr).toContain("SLACK_BOT_TOKEN");
    expect(run.stderr).toContain("DISCORD_TOKEN");
    expect(run.stderr).toContain("GURU_MCP__HTTP_PORT");
    expect(run.stderr).not.toContain("MODEL");
    expect(host.requests.length).toBe(requestsBefore);
    expect(readdirSync(home)).toEqual([".env"]);
  });
});

describe("Guru's home", () => {
  it("gives `guru` run from any folder the home's model and database", async () => {
    const home = homeWith({ ".env": "GURU_MODEL=models/tiny.gguf\n" });
    mkdirSync(join(home, "models"));
    copyFileSync(tiny, join(home, "models", "tiny.gguf"));
    const elsewhere = [emptyWorkdir(), emptyWorkdir()];

    for (const cwd of elsewhere) {
      const run = await runGuru(["ask", "--max-tokens", "4", "hi"], { cwd, env: { GURU_HOME: home } });
      expect(run.code, run.stderr).toBe(0);
    }

    expect(questionsStored(join(home, "data"))).toBe(2);
    expect(elsewhere.map((cwd) => readdirSync(cwd))).toEqual([[], []]);
  });

  it("hands HF_ENDPOINT from the home's .env to the downloader", async () => {
    const home = homeWith({ ".env": `HF_ENDPOINT=${host.endpoint}\nGURU_MODEL=${remoteModel}\n` });
    const run = await runGuru(["model", "pull"], { env: { GURU_HOME: home } });

    expect(run.code, run.stderr).toBe(0);
    expect(host.requests).toContain("GET /guru-test/tiny-GGUF/resolve/main/tiny.gguf");
    expect(run.stdout).toContain(`Model ready: ${join(home, "models")}`);
  });

  it("lets the process environment win over .env for a library's variable", async () => {
    const home = homeWith({ ".env": `HF_ENDPOINT=http://127.0.0.1:9/\nGURU_MODEL=${remoteModel}\n` });
    const run = await runGuru(["model", "pull"], { env: { GURU_HOME: home, HF_ENDPOINT: host.endpoint } });

    expect(run.code, run.stderr).toBe(0);
  });

  it("is left as it was by guru doctor: no folder, no database", async () => {
    const home = homeWith({ ".env": "GURU_LOG_LEVEL=warn\n" });
    const cwd = emptyWorkdir();
    const run = await runGuru(["doctor", "--model", tiny], { cwd, env: { GURU_HOME: home } });

    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^ok +home: ${home} \\(GURU_HOME; ${home}/\\.env read\\)$`, "m"));
    expect(run.stdout).toMatch(/^ok +data folder: .* will be created at the first start$/m);
    expect(readdirSync(home)).toEqual([".env"]);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("--config FILE", () => {
  it("reads the file named on the command line, relative to the current folder, ignoring its $schema", async () => {
    const cwd = emptyWorkdir();
    writeFileSync(
      join(cwd, "mine.json"),
      JSON.stringify({ $schema: "../schemas/guru-config.schema.json", engine: { slots: 99 } }),
    );
    const run = await runGuru(["ask", "--config", "mine.json", "--model", tiny, "hi"], { cwd });

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`engine.slots = 99 (from config file ${join(cwd, "mine.json")})`);
    expect(run.stderr).not.toContain("$schema");
  });
});

describe("the command line", () => {
  it.each([["--version"], ["-V"]])("%s prints the version from package.json", async (flag) => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    const run = await runGuru([flag]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${manifest.version}\n`);
  });

  it.each([[["bogus"]], [["ask", "--nope", "hi"]], [["ask"]]])(
    "exits 2 on a usage error: guru %j",
    async (args) => {
      const run = await runGuru(args);

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: /m);
    },
  );

  it("exits 4 when the model is missing", async () => {
    const home = homeWith({});
    const run = await runGuru(["ask", "hi"], { env: { GURU_HOME: home } });

    expect(run.code).toBe(4);
    expect(existsSync(join(home, "data"))).toBe(false);
  });
});
