import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { childProcesses } from "../support/childProcesses.js";
import { chat, collect, openTinyEngine } from "../support/engineHarness.js";

/** The engine's own process, found as the system sees it: a child of this one running the engine. */
function engineProcessId(): number {
  const engine = childProcesses().find((child) => child.command.includes("engineWorker"));
  if (!engine) throw new Error("no engine process found");
  return engine.pid;
}

describe("when the engine's process is killed (the out-of-memory killer, a crash)", () => {
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
  });

  afterAll(async () => {
    await engine.close();
  });

  it("fails the running answer, refuses the waiting and new ones, and still closes", async () => {
    const running = collect(
      engine.generate({ ...chat("long", "someone"), maxTokens: 100_000, ignoreEndOfText: true }),
    );
    const waiting = collect(engine.generate(chat("me next", "someone-else")));
    expect(engine.stats()).toMatchObject({ busy: 1, waiting: 1 });

    process.kill(engineProcessId(), "SIGKILL");

    expect((await running).error).toMatchObject({ code: "GENERATION_FAILED" });
    expect((await waiting).error).toMatchObject({ code: "ENGINE_UNAVAILABLE" });
    expect((await collect(engine.generate(chat("anyone there?")))).error).toMatchObject({
      code: "ENGINE_UNAVAILABLE",
    });
    expect(engine.refusal("anyone")).toMatchObject({ code: "ENGINE_UNAVAILABLE" });
    expect(engine.stats()).toMatchObject({ slots: 0, busy: 0, waiting: 0 });
    // Counting ahead fails too (the question is then counted at admission, and refused there).
    await expect(engine.countAhead(["a thread message never counted"])).rejects.toMatchObject({
      code: "ENGINE_UNAVAILABLE",
    });
  });
});
