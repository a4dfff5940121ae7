import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EditBudget, type EditPriority } from "../../src/bots/common/editBudget.js";

const policy = { perMinute: 40, burst: 8, finalReserve: 4 };

describe("EditBudget", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** Replies that each ask for their next streaming edit as soon as the last one was granted. */
  function streamForever(budget: EditBudget, replies: number, stop: AbortSignal): number[][] {
    const grants = Array.from({ length: replies }, () => [] as number[]);
    for (const times of grants) {
      void (async () => {
        while (await budget.take("interim", stop)) times.push(Date.now());
      })();
    }
    return grants;
  }

  it("never grants more than burst plus the sustained rate in any minute", async () => {
    const budget = new EditBudget(policy);
    const stop = new AbortController();
    const grants = streamForever(budget, 8, stop.signal);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    stop.abort();

    const all = grants.flat().sort((a, b) => a - b);
    for (const start of all) {
      expect(all.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(
        policy.burst + policy.perMinute,
      );
    }
    expect(all.length).toBeGreaterThan(4 * policy.perMinute);
  });

  it("gives each streaming reply a fair share", async () => {
    const budget = new EditBudget(policy);
    const stop = new AbortController();
    const grants = streamForever(budget, 8, stop.signal);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    stop.abort();

    const counts = grants.map((times) => times.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it("lets a final edit through at once while streaming replies use up their share", async () => {
    const budget = new EditBudget(policy);
    const stop = new AbortController();
    streamForever(budget, 8, stop.signal);
    await vi.advanceTimersByTimeAsync(30_000);

    const asked = Date.now();
    const order: EditPriority[] = [];
    const final = budget.take("final").then(() => order.push("final"));
    await vi.advanceTimersByTimeAsync(0);
    await final;
    stop.abort();

    expect(order).toEqual(["final"]);
    expect(Date.now() - asked).toBe(0);
  });

  it("serves waiting finals before waiting streaming edits", async () => {
    const budget = new EditBudget({ perMinute: 60, burst: 1, finalReserve: 0 });
    await budget.take("final");
    const order: EditPriority[] = [];
    const interim = budget.take("interim").then(() => order.push("interim"));
    const final = budget.take("final").then(() => order.push("final"));
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all([interim, final]);

    expect(order).toEqual(["final", "interim"]);
  });

  it("drops a waiting edit whose signal aborts, and takes a refunded token back", async () => {
    const budget = new EditBudget({ perMinute: 1, burst: 1, finalReserve: 0 });
    await budget.take("interim");
    const cancel = new AbortController();
    const waiting = budget.take("interim", cancel.signal);
    cancel.abort();
    expect(await waiting).toBe(false);

    budget.refund();
    expect(await budget.take("final")).toBe(true);
  });

  it("grants nothing, final or not, while held after the platform said too fast", async () => {
    const budget = new EditBudget(policy);
    budget.holdFor(3_000);
    let grantedAt = 0;
    const final = budget.take("final").then(() => {
      grantedAt = Date.now();
    });
    const held = Date.now();
    await vi.advanceTimersByTimeAsync(10_000);
    await final;

    expect(grantedAt - held).toBeGreaterThanOrEqual(3_000);
  });
});
