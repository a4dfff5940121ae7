import { describe, expect, it } from "vitest";
import { SlotQueue } from "../../src/engine/slotQueue.js";
import { GuruError } from "../../src/errors.js";

function queue(slots = 1, maxWaiting = 10, maxWaitingPerUser = 10): SlotQueue {
  return new SlotQueue({ slots, maxWaiting, maxWaitingPerUser });
}

/** Acquires, records the turn, and gives the slot straight back. */
async function serveOnce(q: SlotQueue, order: string[], owner: string, label: string): Promise<void> {
  const lease = await q.acquire(owner);
  order.push(label);
  lease.release();
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe("SlotQueue", () => {
  it("admits at most `slots` holders at a time", async () => {
    const q = queue(2);
    const a = await q.acquire("u1");
    const b = await q.acquire("u2");
    let third = false;
    const c = q.acquire("u3").then((lease) => {
      third = true;
      return lease;
    });
    await settle();
    expect(third).toBe(false);
    expect(q.stats()).toEqual({ slots: 2, busy: 2, waiting: 1 });
    a.release();
    (await c).release();
    b.release();
    expect(q.stats()).toEqual({ slots: 2, busy: 0, waiting: 0 });
  });

  it("serves users round-robin so a flood does not starve a single request", async () => {
    const q = queue(1);
    const order: string[] = [];
    const holder = await q.acquire("flooder");
    const served = ["f1", "f2", "f3"].map((label) => serveOnce(q, order, "flooder", label));
    served.push(serveOnce(q, order, "polite", "p1"));
    holder.release();
    await Promise.all(served);
    expect(order).toEqual(["f1", "p1", "f2", "f3"]);
  });

  it("reports queue positions as they change", async () => {
    const q = queue(1);
    const holder = await q.acquire("a");
    const positions: number[] = [];
    const first = q.acquire("b");
    const second = q.acquire("c", { onPosition: (p) => positions.push(p) });
    expect(positions).toEqual([2]);
    holder.release();
    const lease = await first;
    expect(positions).toEqual([2, 1]);
    lease.release();
    (await second).release();
  });

  it("refuses at once with QUEUE_FULL when the line is full", async () => {
    const q = queue(1, 1);
    const holder = await q.acquire("a");
    const waiting = q.acquire("b");
    await expect(q.acquire("c")).rejects.toMatchObject({ code: "QUEUE_FULL" });
    holder.release();
    (await waiting).release();
  });

  it("tells the refusal a newcomer would get, without putting anyone in line", async () => {
    const q = queue(1, 1, 1);
    expect(q.refusal("a")).toBeUndefined();
    const holder = await q.acquire("a");
    expect(q.refusal("b")).toBeUndefined();
    const waiting = q.acquire("b");
    expect(q.refusal("c")).toMatchObject({ code: "QUEUE_FULL" });
    expect(q.stats()).toMatchObject({ busy: 1, waiting: 1 });
    holder.release();
    (await waiting).release();
  });

  it("caps how many requests one user may have waiting", async () => {
    const q = queue(1, 10, 2);
    const holder = await q.acquire("a");
    const w1 = q.acquire("b");
    const w2 = q.acquire("b");
    await expect(q.acquire("b")).rejects.toMatchObject({ code: "USER_QUEUE_FULL" });
    holder.release();
    (await w1).release();
    (await w2).release();
  });

  it("drops a request cancelled while waiting and moves the others up", async () => {
    const q = queue(1);
    const holder = await q.acquire("a");
    const cancel = new AbortController();
    const cancelled = q.acquire("b", { signal: cancel.signal });
    const positions: number[] = [];
    const next = q.acquire("c", { onPosition: (p) => positions.push(p) });
    cancel.abort();
    await expect(cancelled).rejects.toMatchObject({ code: "CANCELLED" });
    expect(positions).toEqual([2, 1]);
    expect(q.stats().waiting).toBe(1);
    holder.release();
    (await next).release();
  });

  it("passes a coded abort reason through (a timeout stays a timeout)", async () => {
    const q = queue(1);
    const holder = await q.acquire("a");
    const timeout = new AbortController();
    const waiting = q.acquire("b", { signal: timeout.signal });
    timeout.abort(new GuruError("TIMEOUT", "too slow"));
    await expect(waiting).rejects.toMatchObject({ code: "TIMEOUT" });
    holder.release();
  });

  it("refuses waiting and new requests once closed, and reports idle when the last slot frees", async () => {
    const q = queue(1);
    const holder = await q.acquire("a");
    const waiting = q.acquire("b");
    q.close();
    await expect(waiting).rejects.toMatchObject({ code: "SHUTTING_DOWN" });
    await expect(q.acquire("c")).rejects.toMatchObject({ code: "SHUTTING_DOWN" });
    let idle = false;
    const idleWait = q.whenIdle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);
    holder.release();
    await idleWait;
    expect(idle).toBe(true);
  });

  it("gives a preferred slot when it is free", async () => {
    const q = queue(3);
    const lease = await q.acquire("a", { preferredSlot: 2 });
    expect(lease.slot).toBe(2);
    lease.release();
  });

  it("ignores a second release of the same lease", async () => {
    const q = queue(1);
    const lease = await q.acquire("a");
    lease.release();
    lease.release();
    expect(q.stats()).toEqual({ slots: 1, busy: 0, waiting: 0 });
  });
});

describe("SlotQueue with more sequences than slots", () => {
  it("admits only `slots` at once but hands out the least recently used of all sequences", async () => {
    const q = new SlotQueue({ slots: 1, sequences: 3, maxWaiting: 5, maxWaitingPerUser: 5 });
    const first = await q.acquire("a");
    expect(first.slot).toBe(0);
    let second = false;
    const waiting = q.acquire("b").then((lease) => {
      second = true;
      return lease;
    });
    await settle();
    expect(second).toBe(false);
    first.release();
    const lease = await waiting;
    expect(lease.slot).toBe(1);
    lease.release();
    const warm = await q.acquire("a", { preferredSlot: 0 });
    expect(warm.slot).toBe(0);
    warm.release();
  });
});

describe("SlotQueue whose capacity changes (inference servers leaving and joining)", () => {
  it("serves a waiting request as soon as capacity grows", async () => {
    const q = queue(1);
    const first = await q.acquire("a");
    const second = q.acquire("b");
    q.resize(2);
    const lease = await second;
    expect(q.stats()).toEqual({ slots: 2, busy: 2, waiting: 0 });
    expect(lease.slot).not.toBe(first.slot);
  });

  it("lets running leases finish but admits no one past a lowered capacity", async () => {
    const q = queue(2);
    const a = await q.acquire("a");
    const b = await q.acquire("b");
    q.resize(1);
    let served = false;
    const c = q.acquire("c").then((lease) => {
      served = true;
      return lease;
    });
    a.release();
    await settle();
    expect(served).toBe(false);
    b.release();
    (await c).release();
    expect(q.stats()).toEqual({ slots: 1, busy: 0, waiting: 0 });
  });

  it("refuses everyone waiting and every newcomer with ENGINE_UNAVAILABLE at capacity 0", async () => {
    const q = queue(1);
    const running = await q.acquire("a");
    const waiting = q.acquire("b");
    q.resize(0);
    await expect(waiting).rejects.toMatchObject({ code: "ENGINE_UNAVAILABLE" });
    await expect(q.acquire("c")).rejects.toMatchObject({ code: "ENGINE_UNAVAILABLE" });
    running.release();
    q.resize(1);
    (await q.acquire("c")).release();
  });
});
