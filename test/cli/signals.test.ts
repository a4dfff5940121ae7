import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type GuruServer, killLeftoverGuru, startGuru } from "../support/guruServer.js";
import { databaseAfterStop, questionsStored } from "../support/storedReplies.js";
import { tinyModelPath } from "../support/tinyModel.js";

let model: string;

beforeAll(async () => {
  model = await tinyModelPath();
});

afterAll(() => {
  killLeftoverGuru();
});

const signals = ["SIGTERM", "SIGINT"] as const;
const longQuestion = "Tell me a very long story about a mutex";

/**
 * A data folder and the environment for a long answer: at temperature 0 the tiny model does not end
 * on its own within thousands of tokens, so the signal always finds it generating.
 */
function workplace(): { dataDir: string; env: Record<string, string> } {
  const dataDir = mkdtempSync(join(tmpdir(), "guru-signals-"));
  const configFile = join(dataDir, "guru.json");
  writeFileSync(configFile, JSON.stringify({ engine: { slots: 1, temperature: 0, maxTokens: 3000 } }));
  return { dataDir, env: { GURU_MODEL: model, GURU_DATA_DIR: dataDir, GURU_CONFIG: configFile } };
}

/** Stops `guru` with `signal` and checks what a clean stop leaves: exit 0, the partial kept and marked, the database closed. */
async function expectStoppedCleanly(
  guru: GuruServer,
  signal: NodeJS.Signals,
  dataDir: string,
  partial: "written" | "maybe empty" = "written",
): Promise<string> {
  expect(await guru.stop(signal), guru.output()).toBe(0);
  const after = databaseAfterStop(dataDir);
  expect(after.integrity).toBe("ok");
  expect(after.walBytes).toBe(0);
  expect(after.replies).toHaveLength(1);
  const [reply] = after.replies;
  expect(reply?.status).toBe("interrupted");
  expect(reply?.status_reason).toMatch(/^(SHUTTING_DOWN|CANCELLED)$/);
  if (partial === "written") expect(reply?.text.length).toBeGreaterThan(0);
  return reply?.text ?? "";
}

describe.each(signals)("on %s while generating", (signal) => {
  it("guru ask stops, keeps the partial answer it printed, marked interrupted, and exits 0", async () => {
    const { dataDir, env } = workplace();
    const guru = startGuru(["ask", "--max-tokens", "3000", longQuestion], env, dataDir);
    await guru.waitForOutput(/.{40}/s, 60_000);
    const partial = await expectStoppedCleanly(guru, signal, dataDir);
    expect(guru.output()).toContain(partial.trim());
  });

  it("guru analyze stops, keeps the partial analysis marked interrupted, and exits 0", async () => {
    const { dataDir, env } = workplace();
    const guru = startGuru(["analyze", "--json", longQuestion], env, dataDir);
    // An analysis prints nothing until it is done, and a bounded one is done within seconds: stop it
    // as soon as its question is stored, so the signal always finds it evaluating or generating.
    await vi.waitFor(() => expect(questionsStored(dataDir)).toBe(1), { timeout: 60_000, interval: 20 });
    const partial = await expectStoppedCleanly(guru, signal, dataDir, "maybe empty");
    expect(partial).toMatch(/^(\{|$)/);
  });

  it("guru chat on piped stdin stops, keeps the partial answer marked interrupted, and exits 0", async () => {
    const { dataDir, env } = workplace();
    const guru = startGuru(["chat"], env, dataDir, { stdin: "pipe" });
    // stdin stays open: only the signal can end this chat.
    guru.child.stdin?.write(`${longQuestion}\n`);
    await guru.waitForOutput(/\/help for commands\.\n.{40}/s, 60_000);
    const partial = await expectStoppedCleanly(guru, signal, dataDir);
    expect(guru.output()).toContain(partial.trim());
  });

  it("guru mcp stops during a tool call, keeps the partial answer marked interrupted, and exits 0", async () => {
    const { dataDir, env } = workplace();
    const guru = startGuru(["mcp", "--max-tokens", "3000"], env, dataDir, { stdin: "pipe" });
    const send = (message: object) =>
      guru.child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
    send({
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "signals", version: "1" },
      },
    });
    send({ method: "notifications/initialized" });
    send({
      id: 2,
      method: "tools/call",
      params: { name: "ask", arguments: { prompt: longQuestion }, _meta: { progressToken: "long" } },
    });
    await guru.waitForOutput(/generating: \d+ characters so far/, 60_000);
    await expectStoppedCleanly(guru, signal, dataDir);
  });
});

describe("on SIGTERM while the model loads", () => {
  it("guru mcp waits for the model, then stops without serving and exits 0", async () => {
    const { dataDir, env } = workplace();
    const guru = startGuru(["mcp", "--log-level", "debug"], env, dataDir, { stdin: "pipe" });
    await guru.waitForOutput(/backend: /, 60_000);
    expect(await guru.stop("SIGTERM"), guru.output()).toBe(0);
    expect(guru.output()).not.toContain("MCP server ready");
    expect(databaseAfterStop(dataDir)).toMatchObject({ integrity: "ok", walBytes: 0, replies: [] });
  });
});
