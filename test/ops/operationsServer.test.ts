import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.js";
import { OperationsMetrics } from "../../src/ops/operationsMetrics.js";
import { type OperationsServer, startOperationsServer } from "../../src/ops/operationsServer.js";
import { PartsReadiness } from "../../src/ops/partsReadiness.js";
import { notReady, ready } from "../../src/service/readiness.js";
import { parsePrometheusText } from "../support/prometheusText.js";

describe("the operations port", () => {
  let server: OperationsServer | undefined;
  const parts = new PartsReadiness();

  async function serve(): Promise<string> {
    const metrics = new OperationsMetrics({ service: () => null, readiness: () => parts.now() });
    server = await startOperationsServer({
      host: "127.0.0.1",
      port: 0,
      parts,
      metrics,
      logger: silentLogger,
    });
    return server.url;
  }

  afterEach(async () => {
    await server?.close();
  });

  it("listens on 127.0.0.1 and answers 503 with the reason while the model loads", async () => {
    parts.set("engine", () => notReady("the model is loading"));
    const url = await serve();

    const response = await fetch(`${url}/healthz`);

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "unavailable",
      parts: { engine: { ready: false, reason: "the model is loading" } },
      reasons: ["engine: the model is loading"],
    });
  });

  it("answers 200 once the engine and every front are ready, and 503 naming a front that is not", async () => {
    let discordUp = true;
    parts.set("engine", () => ready);
    parts.set("discord", () =>
      discordUp ? ready : notReady("the Discord gateway connection is Connecting"),
    );
    const url = await serve();

    const healthy = await fetch(`${url}/healthz`);
    discordUp = false;
    const unhealthy = await fetch(`${url}/healthz`);

    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ status: "ok", reasons: [] });
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toMatchObject({
      reasons: ["discord: the Discord gateway connection is Connecting"],
    });
  });

  it("serves metrics before the model is loaded: the engine not ready, its figures at zero", async () => {
    parts.set("engine", () => notReady("the model is loading"));
    const url = await serve();

    const metrics = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());

    expect(metrics.value("guru_ready", { part: "engine" })).toBe(0);
    expect(metrics.value("guru_slots")).toBe(0);
  });

  it("answers any other path with 404 and any other method with 405", async () => {
    const url = await serve();

    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: "POST", body: "x" })).status).toBe(405);
  });

  it("refuses to start on a port in use, with a coded error naming the setting", async () => {
    const url = await serve();
    const port = Number(new URL(url).port);
    const metrics = new OperationsMetrics({ service: () => null, readiness: () => parts.now() });

    await expect(
      startOperationsServer({ host: "127.0.0.1", port, parts, metrics, logger: silentLogger }),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: expect.stringContaining("GURU_OPS_PORT") });
  });
});
