import { afterEach, describe, expect, it, vi } from "vitest";
import type { EngineConfig } from "../../../src/config/configSchema.js";
import type { GenerationEvent, GenerationRequest } from "../../../src/engine/generationTypes.js";
import { ServerFailure } from "../../../src/engine/servers/serverBackend.js";
import { ServerEngine } from "../../../src/engine/servers/serverEngine.js";
import { GuruError, isGuruError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/log/logger.js";
import { chat, collect, engineConfig } from "../../support/engineHarness.js";
import { down, serverFault, statsOf, TestServer } from "./testServer.js";

const opened: ServerEngine[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((engine) => engine.close()));
});

async function open(servers: TestServer[], overrides: Partial<EngineConfig> = {}): Promise<ServerEngine> {
  const engine = await ServerEngine.open({
    servers: servers.map((backend) => ({ backend })),
    config: engineConfig({ healthCheckMs: 100, drainGraceMs: 0, ...overrides }),
    logger: silentLogger,
  });
  opened.push(engine);
  return engine;
}

function inConversation(conversation: string, owner = "user-1"): GenerationRequest {
  return { ...chat("hello", owner), conversation };
}

/** Starts reading a generation in the background; the result is its whole stream. */
function start(engine: ServerEngine, request: GenerationRequest) {
  return collect(engine.generate(request));
}

/** Lets queued callbacks and stream reads run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function doneText(events: readonly GenerationEvent[]): string | undefined {
  const done = events.find((event) => event.type === "done");
  return done?.type === "done" ? done.result.text : undefined;
}

describe("ServerEngine", () => {
  it("admits as many answers at once as the healthy servers have slots", async () => {
    const a = new TestServer("http://127.0.0.1:1", 2);
    const b = new TestServer("http://127.0.0.1:2", 3);
    const c = new TestServer("http://127.0.0.1:3", 4);
    c.health = down();
    const engine = await open([a, b, c]);
    const stats = engine.stats();
    expect(stats.kind).toBe("servers");
    expect(stats.slots).toBe(5);
    expect(stats.servers.map((server) => [server.url, server.healthy, server.slots])).toEqual([
      [a.url, true, 2],
      [b.url, true, 3],
      [c.url, false, 1],
    ]);
    expect(statsOf(stats.servers, c.url).reason).toBe("connection refused");
  });

  it("takes an operator's slot limit over what the server reports", async () => {
    const a = new TestServer("http://127.0.0.1:1", 8);
    const engine = await ServerEngine.open({
      servers: [{ backend: a, slots: 3 }],
      config: engineConfig(),
      logger: silentLogger,
    });
    opened.push(engine);
    expect(engine.stats().slots).toBe(3);
  });

  it("spreads answers over the least busy servers", async () => {
    const a = new TestServer("http://127.0.0.1:1", 2);
    const b = new TestServer("http://127.0.0.1:2", 2);
    const engine = await open([a, b]);
    const runs = ["u1", "u2", "u3", "u4"].map((owner) => start(engine, chat("hi", owner)));
    await settle();
    expect([a.running.size, b.running.size]).toEqual([2, 2]);
    expect(engine.stats()).toMatchObject({ busy: 4, waiting: 0 });
    for (const run of [...a.running, ...b.running]) run.finish();
    for (const run of await Promise.all(runs)) expect(run.error).toBeUndefined();
  });

  it("sends a conversation's next turn back to the server that answered it", async () => {
    const a = new TestServer("http://127.0.0.1:1", 2);
    const b = new TestServer("http://127.0.0.1:2", 2);
    const engine = await open([a, b]);
    const other = start(engine, chat("keeps a busy", "u2"));
    await settle();
    const first = start(engine, inConversation("c1"));
    await settle();
    b.only().finish();
    await first;
    a.only().finish();
    await other;
    // Both idle now: without affinity the tie would go to the first server.
    const second = start(engine, inConversation("c1"));
    await settle();
    expect([a.running.size, b.running.size]).toEqual([0, 1]);
    b.only().finish();
    expect((await second).error).toBeUndefined();
  });

  it("sends a conversation elsewhere when its server has no free slot", async () => {
    const a = new TestServer("http://127.0.0.1:1", 1);
    const b = new TestServer("http://127.0.0.1:2", 1);
    const engine = await open([a, b]);
    const first = start(engine, inConversation("c1"));
    await settle();
    a.only().finish();
    await first;
    const blocker = start(engine, chat("takes a", "u2"));
    await settle();
    const second = start(engine, inConversation("c1"));
    await settle();
    expect(b.running.size).toBe(1);
    a.only().finish();
    b.only().finish();
    await Promise.all([blocker, second]);
  });

  it("moves a request that fails before its first token to another server, once", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const b = new TestServer("http://127.0.0.1:2");
    a.failNext = serverFault("connection reset");
    b.autoAnswer = "from b";
    const engine = await open([a, b]);
    const run = await start(engine, chat("hi"));
    expect(run.error).toBeUndefined();
    expect(doneText(run.events)).toBe("from b");
    expect([a.received.length, b.received.length]).toEqual([1, 1]);
  });

  it("checks a server at once when a request finds it in trouble, and takes it out when the check fails", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const b = new TestServer("http://127.0.0.1:2");
    const engine = await open([a, b]);
    a.health = down("refused");
    a.failNext = serverFault("connection refused");
    b.autoAnswer = "ok";
    await start(engine, chat("hi"));
    expect(statsOf(engine.stats().servers, a.url).healthy).toBe(false);
    expect(engine.stats().slots).toBe(2);
  });

  it("keeps a server in rotation when a request failed on it but its check answers", async () => {
    const a = new TestServer("http://127.0.0.1:1", 1);
    const engine = await open([a]);
    a.failNext = serverFault("other side closed");
    a.autoAnswer = "ok";
    const runs = await Promise.all([start(engine, chat("first", "u1")), start(engine, chat("second", "u2"))]);
    expect(runs.map((run) => run.error)).toEqual([undefined, undefined]);
    expect(a.received).toHaveLength(3);
  });

  it("gives up with GENERATION_FAILED when the second server fails before its first token too", async () => {
    const servers = [1, 2, 3].map((port) => new TestServer(`http://127.0.0.1:${port}`));
    for (const server of servers)
      server.failNext = new ServerFailure("500", { started: false, serverFault: false });
    const engine = await open(servers);
    const run = await start(engine, chat("hi"));
    expect(isGuruError(run.error, "GENERATION_FAILED")).toBe(true);
    expect(servers.map((server) => server.received.length)).toEqual([1, 1, 0]);
  });

  it("fails with GENERATION_FAILED after the first token, keeping the streamed part, without a retry", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const b = new TestServer("http://127.0.0.1:2");
    const engine = await open([a, b]);
    const run = start(engine, chat("hi"));
    await settle();
    a.only().fail(serverFault("stream dropped", true), "The first half");
    const result = await run;
    expect(isGuruError(result.error, "GENERATION_FAILED")).toBe(true);
    expect(result.text).toBe("The first half");
    expect(b.received).toHaveLength(0);
  });

  it("answers INPUT_TOO_LONG when a server says the prompt does not fit, without a retry", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const b = new TestServer("http://127.0.0.1:2");
    a.failNext = new ServerFailure("context overflow", { started: false, serverFault: false, tooLong: true });
    const engine = await open([a, b]);
    const run = await start(engine, chat("hi"));
    expect(isGuruError(run.error, "INPUT_TOO_LONG")).toBe(true);
    expect(b.received).toHaveLength(0);
  });

  it("refuses at once with ENGINE_UNAVAILABLE when every server is down", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    a.health = down();
    const engine = await open([a]);
    const run = await start(engine, chat("hi"));
    expect(isGuruError(run.error, "ENGINE_UNAVAILABLE")).toBe(true);
    expect(a.received).toHaveLength(0);
  });

  it("refuses the requests waiting when the last server leaves rotation", async () => {
    const a = new TestServer("http://127.0.0.1:1", 1);
    const engine = await open([a]);
    const running = start(engine, chat("runs", "u1"));
    const waiting = start(engine, chat("waits", "u2"));
    await settle();
    expect(engine.stats().waiting).toBe(1);
    a.only().run.onText("Already answering");
    a.health = down();
    const refused = await waiting;
    expect(isGuruError(refused.error, "ENGINE_UNAVAILABLE")).toBe(true);
    a.only().finish();
    expect((await running).error).toBeUndefined();
  });

  it("keeps a healthy server's slots usable while an answer hangs on a server that left", async () => {
    const a = new TestServer("http://127.0.0.1:1", 1);
    const b = new TestServer("http://127.0.0.1:2", 1);
    const engine = await open([a, b]);
    const hanging = start(engine, chat("hangs", "u1"));
    await settle();
    a.only().run.onText("The beginning");
    a.health = down("no answer");
    await vi.waitFor(() => expect(statsOf(engine.stats().servers, a.url).healthy).toBe(false));
    const next = start(engine, chat("next", "u2"));
    await settle();
    expect(b.running.size).toBe(1);
    b.only().finish();
    a.only().finish();
    await Promise.all([hanging, next]);
  });

  it("ends an answer that falls silent on a server out of rotation, keeping its text", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const engine = await open([a], { healthCheckMs: 100, healthCheckTimeoutMs: 100 });
    const run = start(engine, chat("hi"));
    await settle();
    const wedged = a.only();
    wedged.run.onText("The beginning");
    a.health = down("no answer to /props");
    const result = await run;
    expect(isGuruError(result.error, "GENERATION_FAILED")).toBe(true);
    expect(String((result.error as GuruError).cause)).toContain("left rotation and has sent nothing");
    expect(result.text).toBe("The beginning");
    expect(wedged.run.signal.aborted).toBe(true);
  });

  it("lets an answer finish on a server out of rotation while its text keeps coming", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const engine = await open([a], { healthCheckMs: 100, healthCheckTimeoutMs: 100 });
    const run = start(engine, chat("hi"));
    await settle();
    const slow = a.only();
    slow.run.onText("word ");
    a.health = down("no answer to /props");
    // Four times the 200 ms a silence may last, a word every 50 ms.
    for (let words = 0; words < 16; words += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      slow.run.onText("word ");
    }
    expect(statsOf(engine.stats().servers, a.url).healthy).toBe(false);
    slow.finish("end");
    const result = await run;
    expect(result.error).toBeUndefined();
    expect(doneText(result.events)).toBe("end");
  });

  it("moves a request its server has not begun answering when the server leaves rotation", async () => {
    const a = new TestServer("http://127.0.0.1:1", 1);
    const b = new TestServer("http://127.0.0.1:2", 1);
    const engine = await open([a, b]);
    const run = start(engine, chat("waits inside a", "u1"));
    const other = start(engine, chat("runs on b", "u2"));
    await settle();
    const stuck = a.only();
    b.only().finish("first");
    await other;
    a.health = down("no answer");
    await vi.waitFor(() => expect(b.running.size).toBe(1));
    expect(stuck.run.signal.aborted).toBe(true);
    b.only().finish("from b");
    const result = await run;
    expect(result.error).toBeUndefined();
    expect(doneText(result.events)).toBe("from b");
  });

  it("fails with ENGINE_UNAVAILABLE a request its only server leaves rotation before answering", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const engine = await open([a]);
    const run = start(engine, chat("waits inside a"));
    await settle();
    a.health = down("no answer");
    expect(isGuruError((await run).error, "ENGINE_UNAVAILABLE")).toBe(true);
  });

  it("counts a server that does not answer its health check in time as down", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    a.check = () => new Promise(() => {});
    const engine = await open([a], { healthCheckTimeoutMs: 50 });
    expect(statsOf(engine.stats().servers, a.url)).toMatchObject({
      healthy: false,
      reason: "no answer to a health check within 50 ms",
    });
  });

  it("forgives one unanswered health check, and takes the server out at the second in a row", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const b = new TestServer("http://127.0.0.1:2");
    const engine = await open([a, b], { healthCheckTimeoutMs: 50 });
    const inRotationWhenChecked: boolean[] = [];
    a.check = () => {
      inRotationWhenChecked.push(statsOf(engine.stats().servers, a.url).healthy);
      return new Promise(() => {});
    };
    await vi.waitFor(() => expect(statsOf(engine.stats().servers, a.url).healthy).toBe(false));
    // The second check began after the first went unanswered, with the server still in rotation.
    expect(inRotationWhenChecked.slice(0, 2)).toEqual([true, true]);
    expect(statsOf(engine.stats().servers, a.url).reason).toBe("no answer to a health check within 50 ms");
  });

  it("puts a server back in rotation when it answers its checks again", async () => {
    const a = new TestServer("http://127.0.0.1:1", 2);
    const b = new TestServer("http://127.0.0.1:2", 2);
    a.health = down();
    const engine = await open([a, b]);
    expect(engine.stats().slots).toBe(2);
    a.health = { healthy: true, model: "tiny", slots: 2, contextSize: 2048 };
    await vi.waitFor(() => expect(engine.stats().slots).toBe(4));
    expect(statsOf(engine.stats().servers, a.url).healthy).toBe(true);
  });

  it("closes the server stream when the asker cancels", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    const engine = await open([a]);
    const cancel = new AbortController();
    const run = start(engine, { ...chat("hi"), signal: cancel.signal });
    await settle();
    const received = a.only();
    cancel.abort();
    const result = await run;
    expect(received.run.signal.aborted).toBe(true);
    expect(isGuruError(result.error, "CANCELLED")).toBe(true);
    expect(engine.stats().busy).toBe(0);
  });

  it("drains: refuses the waiting, then cuts the running short after the grace period", async () => {
    const a = new TestServer("http://127.0.0.1:1", 1);
    const engine = await open([a]);
    const running = start(engine, chat("runs", "u1"));
    const waiting = start(engine, chat("waits", "u2"));
    await settle();
    const received = a.only();
    await engine.drain(0);
    expect(isGuruError((await waiting).error, "SHUTTING_DOWN")).toBe(true);
    expect(isGuruError((await running).error, "SHUTTING_DOWN")).toBe(true);
    expect(received.run.signal.aborted).toBe(true);
    const late = await start(engine, chat("late", "u3"));
    expect(isGuruError(late.error, "SHUTTING_DOWN")).toBe(true);
  });

  it("passes the answer, its usage and its probabilities' source through", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    a.autoAnswer = "hello there";
    const engine = await open([a]);
    const run = await start(engine, chat("hi"));
    const done = run.events.find((event) => event.type === "done");
    expect(done?.type === "done" && done.result).toMatchObject({
      text: "hello there",
      usage: { promptTokens: 10, generatedTokens: 3 },
      probabilities: { engine: "llama-server", server: a.url },
    });
    expect(run.events.find((event) => event.type === "started")).toMatchObject({ server: a.url });
    expect(engine.stats().completed).toBe(1);
  });

  it("sends Guru's own sampling settings, token limit and JSON schema to the server", async () => {
    const a = new TestServer("http://127.0.0.1:1");
    a.autoAnswer = "{}";
    const engine = await open([a], { temperature: 0.3, topP: 0.8, topK: 20, maxTokens: 99 });
    const schema = { type: "object", properties: {}, required: [] };
    await start(engine, { ...chat("hi"), seed: 5, jsonSchema: schema, maxTokens: undefined });
    expect(a.received[0]?.run).toMatchObject({
      maxTokens: 99,
      sampling: { temperature: 0.3, topP: 0.8, topK: 20, seed: 5 },
      jsonSchema: schema,
      ignoreEndOfText: false,
    });
  });

  it("refuses to open with no server configured", async () => {
    await expect(
      ServerEngine.open({ servers: [], config: engineConfig(), logger: silentLogger }),
    ).rejects.toSatisfy((error) => error instanceof GuruError && error.code === "CONFIG_INVALID");
  });

  it("over-counts tokens rather than under-counts: UTF-8 bytes ÷ 3", async () => {
    const engine = await open([new TestServer("http://127.0.0.1:1")]);
    expect(engine.countTokens("abcdef")).toBe(2);
    expect(engine.countTokens("日本")).toBe(2);
  });
});
