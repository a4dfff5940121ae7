import { afterEach, describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import type { ReplyUpdate } from "../../src/service/replyUpdate.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";
import { isSummaryRequest, seedLongHistory } from "../support/longHistory.js";
import { finalOf, openServiceRig, request, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

/** A Slack thread of its own for each test and person. */
function thread(name: string): ConversationAddress {
  return { platform: "slack", space: "T1", channel: "C1", thread: name };
}

let engine: Engine | undefined;
let rig: ServiceRig | undefined;

async function open(slots: number, maxWaitingPerUser: number): Promise<{ engine: Engine; rig: ServiceRig }> {
  engine = await openTinyEngine({ slots, contextSize: 2048, maxWaitingPerUser });
  rig = openServiceRig(engine);
  return { engine, rig };
}

afterEach(async () => {
  rig?.close();
  await engine?.close();
  rig = undefined;
  engine = undefined;
});

/** Holds the only slot with a generation that runs until `release` is called. */
async function holdTheSlot(on: Engine): Promise<{ release: () => Promise<void> }> {
  const stop = new AbortController();
  const events = on.generate({
    ...chat("hold", "someone-else"),
    maxTokens: 100_000,
    ignoreEndOfText: true,
    signal: stop.signal,
  });
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.type !== "started") throw new Error("the holder did not start at once");
  const rest = collect({ [Symbol.asyncIterator]: () => iterator });
  return {
    release: async () => {
      stop.abort();
      await rest;
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("a question whose history must first be folded into the summary", () => {
  it("says so first, before the summarizer's generation starts", async () => {
    const { rig } = await open(1, 4);
    const long = thread("fold-first");
    seedLongHistory(rig.memory, long, "U1");

    const stream = rig.service.handle(request("and what about refunds?", { address: long }));
    const first = await stream.next();
    const generationsWhenToldFirst = rig.generations.length;
    const rest = await updatesOf({ [Symbol.asyncIterator]: () => stream });

    expect(first.value).toEqual({ type: "summarizing" });
    expect(generationsWhenToldFirst).toBe(0);
    expect(rig.generations.some(isSummaryRequest)).toBe(true);
    expect(rest.filter((u) => u.type === "summarizing")).toEqual([]);
    expect(finalOf(rest)).toMatchObject({ type: "finished" });
    expect(rig.service.remembered(long)?.summary).not.toBeNull();
  });

  it("folds in fewer summarizer calls than chunks of the answer's share would take, each within the context", async () => {
    const { engine, rig } = await open(1, 4);
    const bySummarizerRoom = rig;
    const byAnswerShare = openServiceRig(engine, { foldChunkTokens: 0 });
    const log = Array.from({ length: 400 }, (_, i) => `line ${i}: shard ${i % 7} moved invoices`).join("\n");
    const context = {
      messages: [],
      documents: [{ name: "moves.log", text: log, truncated: false }],
      notes: [],
    };
    const summaryCalls = async (on: ServiceRig) => {
      seedLongHistory(on.memory, thread("fold-few"), "U1");
      const updates = await updatesOf(
        on.service.handle(request("what moved?", { address: thread("fold-few"), context })),
      );
      expect(finalOf(updates)).toMatchObject({ type: "finished" });
      return on.generations.filter(isSummaryRequest).map((s) => engine.countTokens(s.turns[1]?.text ?? ""));
    };

    const fewer = await summaryCalls(bySummarizerRoom);
    const more = await summaryCalls(byAnswerShare);
    byAnswerShare.close();

    expect(fewer.length).toBeLessThan(more.length);
    expect(Math.max(...fewer)).toBeLessThan(engine.stats().contextSize - 400);
  }, 60_000);

  it("counts the summarizer's work to the asker, not to a shared owner", async () => {
    const { rig } = await open(1, 4);
    const long = thread("fold-owner");
    seedLongHistory(rig.memory, long, "U7");

    const updates = await updatesOf(rig.service.handle(request("refunds?", { address: long, author: "U7" })));

    expect(finalOf(updates)).toMatchObject({ type: "finished" });
    expect(new Set(rig.generations.map((g) => g.owner))).toEqual(new Set(["slack:U7"]));
  });

  it("does not fail while the asker's own other requests fill the rest of their share of the line", async () => {
    const { engine, rig } = await open(1, 3);
    const long = thread("fold-share");
    seedLongHistory(rig.memory, long, "U1");
    const holder = await holdTheSlot(engine);
    // Two of the asker's other questions wait: with the fold, the asker has three, their share.
    const others = [1, 2].map((i) => collect(engine.generate(chat(`other ${i}`, "slack:U1"))));
    await until(() => engine.stats().waiting === 2);

    const answer = updatesOf(rig.service.handle(request("and refunds?", { address: long })));
    await until(() => engine.stats().waiting === 3);
    await holder.release();
    const updates = await answer;

    expect(finalOf(updates)).toMatchObject({ type: "finished" });
    for (const other of await Promise.all(others)) expect(other.error).toBeUndefined();
  });

  it("lets five people fold their conversations at once without meeting a shared per-user cap", async () => {
    const { engine, rig } = await open(1, 2);
    const people = ["U1", "U2", "U3", "U4", "U5"];
    for (const person of people) seedLongHistory(rig.memory, thread(`fold-${person}`), person);
    const holder = await holdTheSlot(engine);

    const answers = people.map((person) =>
      updatesOf(
        rig.service.handle(request("and refunds?", { address: thread(`fold-${person}`), author: person })),
      ),
    );
    await until(() => engine.stats().waiting === people.length);
    await holder.release();
    const finals: ReplyUpdate[] = (await Promise.all(answers)).map(finalOf);

    expect(finals.map((f) => f.type)).toEqual(people.map(() => "finished"));
    const summaryOwners = new Set(rig.generations.filter(isSummaryRequest).map((g) => g.owner));
    expect(summaryOwners).toEqual(new Set(people.map((p) => `slack:${p}`)));
  }, 180_000);
});
