import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { connectGuruMcp, textOf } from "../mcp/guruMcpClient.js";
import { closedPort } from "../support/closedPort.js";
import { emptyWorkdir, runGuru } from "../support/guruProcess.js";
import { startGuru } from "../support/guruServer.js";
import { LlamaServerProcess, llamaServerBuildTimeoutMs } from "../support/llamaServerProcess.js";
import { expectPublishedAnalysis } from "../support/publishedAnalysis.js";
import { WedgingProxy } from "../support/wedgingProxy.js";

/** Every command below runs with only GURU_SERVERS set, and no model file anywhere. */
let server: LlamaServerProcess;
let env: Record<string, string>;

beforeAll(async () => {
  server = await LlamaServerProcess.start({ slots: 2 });
  env = { GURU_SERVERS: server.url, GURU_MODEL: "/nonexistent/model.gguf" };
}, llamaServerBuildTimeoutMs);

afterAll(async () => {
  await server?.stop();
});

describe("Guru with only inference servers configured", () => {
  it("guru ask answers through the server without looking for a model file", async () => {
    const cwd = emptyWorkdir();
    const run = await runGuru(["ask", "--max-tokens", "16", "What", "is", "Guru?"], { cwd, env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().length).toBeGreaterThan(0);
    expect(existsSync(join(cwd, "models"))).toBe(false);
  });

  it("guru ask --server takes the server from the command line", async () => {
    const run = await runGuru(["ask", "--server", server.url, "--max-tokens", "8", "hi"], {
      env: { GURU_MODEL: "/nonexistent/model.gguf" },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("guru analyze --json prints an analysis that validates against the published schema", async () => {
    const run = await runGuru(["analyze", "--json", "Why", "do", "builds", "fail?"], { env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expectPublishedAnalysis(run.stdout);
  });

  it("guru chat answers and shows each server's health, busy slots and speed on /status", async () => {
    const run = await runGuru(["chat"], { env, input: "hello\n/status\n" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("on 1 inference server (1 in rotation); slots 0/2 busy");
    expect(run.stdout).toMatch(new RegExp(`${server.url}: in rotation, 0/2 busy, [\\d.]+ tokens/s`));
  });

  it("guru start opens the servers and serves its fronts with no model file", async () => {
    const guru = startGuru(["start"], { ...env, GURU_MCP_PORT: "0" }, emptyWorkdir());
    await guru.waitForOutput(/Guru is listening on/, 60_000);
    expect(await guru.stop("SIGTERM")).toBe(0);
    expect(guru.output()).not.toContain("GURU_");
  });

  it("guru mcp answers tools through the server and reports it in status", async () => {
    const client = await connectGuruMcp({
      model: null,
      dataDir: mkdtempSync(join(tmpdir(), "guru-mcp-servers-")),
      clientName: "Editor",
      env,
    });
    try {
      const asked = await client.call("ask", { prompt: "hello" });
      expect(asked.isError, `${textOf(asked)}\n${client.stderr()}`).not.toBe(true);
      const status = z
        .object({
          engine: z.literal("servers"),
          queue: z.object({ slots: z.literal(2) }),
          servers: z.array(z.object({ url: z.string(), healthy: z.boolean(), slots: z.int() })),
        })
        .parse((await client.call("status", {})).structuredContent);
      expect(status.servers).toEqual([{ url: server.url, healthy: true, slots: 2 }]);
    } finally {
      await client.close();
    }
  });

  it("refuses at once with GURU_ENGINE_UNAVAILABLE when no server answers", async () => {
    const run = await runGuru(["ask", "hi"], {
      env: { ...env, GURU_SERVERS: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("GURU_ENGINE_UNAVAILABLE");
  });

  it("guru doctor checks each server instead of loading a model", async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const run = await runGuru(["doctor"], { env: { ...env, GURU_SERVERS: `${server.url},${down}` } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `ok {4}server ${server.url} \\(llama-server\\): reachable; model .+; 2 slots; 2048 tokens a slot`,
      ),
    );
    expect(run.stdout).toContain(`FAIL  server ${down} (llama-server)`);
    expect(run.stdout).not.toContain("model:");
  });

  it("guru doctor says how to recover a server that answers /health and nothing else", async () => {
    const wedged = await WedgingProxy.start(server.url);
    wedged.wedge();
    try {
      const run = await runGuru(["doctor"], { env: { ...env, GURU_SERVERS: wedged.url } });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `FAIL  server ${wedged.url} (llama-server): no answer to a health check within 2000 ms`,
      );
      expect(run.stdout).toContain("restart it (a stuck llama-server ends on a second Ctrl-C");
    } finally {
      await wedged.close();
    }
  });
});
