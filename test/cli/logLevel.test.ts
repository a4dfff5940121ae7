import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emptyWorkdir, runGuru } from "../support/guruProcess.js";
import { tinyModelPath } from "../support/tinyModel.js";

let tiny: string;

beforeAll(async () => {
  tiny = await tinyModelPath();
});

const logLine = /^\S+Z (DEBUG|INFO|WARN|ERROR) /m;

describe("GURU_LOG_LEVEL in the interactive commands", () => {
  it.each([["ask", "--max-tokens", "8", "hi"], ["analyze", "--json", "hi"], ["chat"]])(
    "guru %s … logs at that level on stderr and keeps stdout for the answer",
    async (...args) => {
      const run = await runGuru(args, {
        env: { GURU_MODEL: tiny, GURU_LOG_LEVEL: "info", GURU_CONTEXT_SIZE: "2048" },
        input: "hello\n",
      });

      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/ INFO engine: model loaded: /);
      expect(run.stdout).not.toMatch(logLine);
      if (args[0] === "analyze") expect(() => JSON.parse(run.stdout)).not.toThrow();
    },
  );

  it("a --log-level flag still wins over GURU_LOG_LEVEL", async () => {
    const run = await runGuru(["ask", "--log-level", "silent", "--max-tokens", "8", "hi"], {
      env: { GURU_MODEL: tiny, GURU_LOG_LEVEL: "debug" },
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });
});

describe("logLevel in the config file", () => {
  it("guru mcp logs at that level on stderr; stdout carries only the protocol", async () => {
    const cwd = emptyWorkdir();
    writeFileSync(join(cwd, "guru.json"), JSON.stringify({ logLevel: "debug" }));
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "logs", version: "1" } },
    };
    const run = await runGuru(["mcp"], {
      cwd,
      env: { GURU_MODEL: tiny, GURU_CONFIG: "guru.json" },
      input: `${JSON.stringify(initialize)}\n`,
    });

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/ INFO mcp: MCP server ready on stdio/);
    const lines = run.stdout.trim().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { jsonrpc: string }).jsonrpc)).toEqual(["2.0"]);
  });
});
