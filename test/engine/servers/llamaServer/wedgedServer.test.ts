import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LlamaServerBackend } from "../../../../src/engine/servers/llamaServer/llamaServerBackend.js";
import { ServerEngine } from "../../../../src/engine/servers/serverEngine.js";
import { isGuruError } from "../../../../src/errors.js";
import { silentLogger } from "../../../../src/log/logger.js";
import { chat, collect, engineConfig, resultOf, startedOn } from "../../../support/engineHarness.js";
import { LlamaServerProcess, llamaServerBuildTimeoutMs } from "../../../support/llamaServerProcess.js";
import { WedgingProxy } from "../../../support/wedgingProxy.js";

// A wedged llama-server (deadlocked in its SIGTERM handler) answers /health and nothing else.
describe("Guru with a llama-server that wedges, beside a working one", () => {
  let wedging: LlamaServerProcess;
  let working: LlamaServerProcess;
  let proxy: WedgingProxy;
  let engine: ServerEngine;

  beforeAll(async () => {
    [wedging, working] = await Promise.all([LlamaServerProcess.start(), LlamaServerProcess.start()]);
  }, llamaServerBuildTimeoutMs);

  afterEach(async () => {
    await engine?.close();
    await proxy?.close();
  });

  afterAll(async () => {
    await Promise.all([wedging?.stop(), working?.stop()]);
  });

  async function openWithProxyFirst(): Promise<void> {
    proxy = await WedgingProxy.start(wedging.url);
    // The proxied server is listed first, so an idle pool sends the first answer to it.
    engine = await ServerEngine.open({
      servers: [proxy.url, working.url].map((url) => ({ backend: new LlamaServerBackend({ url }) })),
      config: engineConfig({ healthCheckMs: 200, healthCheckTimeoutMs: 2000 }),
      logger: silentLogger,
    });
  }

  it("moves an answer the wedged server never began to the working one", async () => {
    await openWithProxyFirst();
    proxy.wedge();
    const run = await collect(engine.generate({ ...chat("Where does this go?", "asker"), maxTokens: 16 }));
    expect(run.error).toBeUndefined();
    expect(startedOn(run.events)).toBe(proxy.url);
    expect(resultOf(run.events)?.probabilities.server).toBe(working.url);
    expect(run.text.length).toBeGreaterThan(0);
  });

  it("ends an answer the wedged server froze mid-stream, keeping its text, instead of waiting out the request timeout", async () => {
    await openWithProxyFirst();
    proxy.wedgeAfterFirstText();
    const run = await collect(
      engine.generate({ ...chat("Tell me more", "asker"), maxTokens: 200, ignoreEndOfText: true }),
    );
    expect(isGuruError(run.error, "GENERATION_FAILED")).toBe(true);
    expect(startedOn(run.events)).toBe(proxy.url);
    expect(run.text.length).toBeGreaterThan(0);
    expect(engine.stats().servers.find((server) => server.url === proxy.url)?.healthy).toBe(false);
  });
});
