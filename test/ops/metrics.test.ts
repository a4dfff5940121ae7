import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { OperationsMetrics } from "../../src/ops/operationsMetrics.js";
import { notReady, ready } from "../../src/service/readiness.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { parsePrometheusText, type Scrape } from "../support/prometheusText.js";
import { channel, openServiceRig, request, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

describe("the metrics, fed by real requests through the service on the tiny model", () => {
  let engine: Engine;
  let rig: ServiceRig;
  let metrics: OperationsMetrics;
  let slackConnected = true;
  const scrape = async (): Promise<Scrape> => parsePrometheusText(await metrics.exposition());

  beforeAll(async () => {
    engine = await openTinyEngine();
    let service: ServiceRig["service"] | null = null;
    metrics = new OperationsMetrics({
      service: () => service,
      readiness: () =>
        new Map([
          ["engine", ready],
          ["slack", slackConnected ? ready : notReady("dropped")],
        ]),
    });
    rig = openServiceRig(engine, { maxInputChars: 200, observer: metrics });
    service = rig.service;
  });

  afterAll(async () => {
    rig.close();
    await engine.close();
  });

  it("parse as Prometheus text, each family typed, with the engine's figures read at the scrape", async () => {
    const metrics = await scrape();

    expect(metrics.types.get("guru_requests_total")).toBe("counter");
    expect(metrics.types.get("guru_request_duration_seconds")).toBe("histogram");
    expect(metrics.types.get("guru_time_to_first_token_seconds")).toBe("histogram");
    expect(metrics.value("guru_slots")).toBe(engine.stats().slots);
    expect(metrics.value("guru_slots_busy")).toBe(0);
    expect(metrics.value("guru_requests_waiting")).toBe(0);
    expect(metrics.value("guru_memory_database_bytes")).toBeGreaterThan(0);
    expect(metrics.value("guru_ready", { part: "engine" })).toBe(1);
    expect(metrics.value("process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("count an answered request with its tokens, its time to first token and its duration", async () => {
    const before = await scrape();

    const updates = await updatesOf(rig.service.handle(request("What is a slot queue?")));

    expect(updates.at(-1)?.type).toBe("finished");
    const after = await scrape();
    const answered = { front: "slack", mode: "ask", outcome: "answered" };
    expect(after.value("guru_requests_total", answered) - before.value("guru_requests_total", answered)).toBe(
      1,
    );
    expect(after.value("guru_generated_tokens_total", { front: "slack" })).toBeGreaterThan(
      before.value("guru_generated_tokens_total", { front: "slack" }),
    );
    expect(after.value("guru_prompt_tokens_total", { front: "slack" })).toBeGreaterThan(
      before.value("guru_prompt_tokens_total", { front: "slack" }),
    );
    expect(
      after.value("guru_time_to_first_token_seconds_count", { front: "slack" }) -
        before.value("guru_time_to_first_token_seconds_count", { front: "slack" }),
    ).toBe(1);
    expect(
      after.value("guru_request_duration_seconds_count", { front: "slack", outcome: "answered" }) -
        before.value("guru_request_duration_seconds_count", { front: "slack", outcome: "answered" }),
    ).toBe(1);
    expect(after.value("guru_tokens_per_second")).toBeGreaterThan(0);
    expect(after.value("guru_requests_in_progress", { front: "slack" })).toBe(0);
  });

  it("count a refusal by its reason and a redelivered event as a duplicate", async () => {
    const tooLong = request("x".repeat(201), { address: { ...channel, thread: "refusals" } });

    await updatesOf(rig.service.handle(tooLong));
    await updatesOf(rig.service.handle({ ...tooLong }));

    const after = await scrape();
    expect(
      after.value("guru_requests_total", { front: "slack", outcome: "refused", code: "INPUT_TOO_LONG" }),
    ).toBe(1);
    expect(after.value("guru_requests_total", { front: "slack", outcome: "duplicate" })).toBe(1);
  });

  it("count a request the front stopped reading as failed (cancelled), and show it in progress until then", async () => {
    const stream = rig.service.handle(
      request("Tell me about queues.", { address: { ...channel, thread: "gone" } }),
    );

    await stream.next();
    expect((await scrape()).value("guru_requests_in_progress", { front: "slack" })).toBe(1);
    await stream.return(undefined);

    const after = await scrape();
    expect(after.value("guru_requests_in_progress", { front: "slack" })).toBe(0);
    expect(after.value("guru_requests_total", { front: "slack", outcome: "failed", code: "CANCELLED" })).toBe(
      1,
    );
  });

  it("count platform API errors by code and rate limits by platform", async () => {
    metrics.apiError("slack", "not_in_channel");
    metrics.rateLimited("discord");

    const after = await scrape();
    expect(after.value("guru_platform_api_errors_total", { platform: "slack", code: "not_in_channel" })).toBe(
      1,
    );
    expect(after.value("guru_platform_rate_limits_total", { platform: "discord" })).toBe(1);
  });

  it("show each part's readiness as it is at the scrape", async () => {
    slackConnected = false;
    const dropped = await scrape();
    slackConnected = true;

    expect(dropped.value("guru_ready", { part: "slack" })).toBe(0);
    expect((await scrape()).value("guru_ready", { part: "slack" })).toBe(1);
  });
});
