import { describe, expect, it } from "vitest";
import { LiveSamples } from "../../src/console/liveSamples.js";
import type { EngineStats } from "../../src/engine/engine.js";

function stats(busy: number): EngineStats {
  return {
    kind: "embedded",
    model: "m",
    backend: { kind: "cpu", deviceNames: [], cpuMathCores: 1 },
    threads: 1,
    slots: 4,
    busy,
    waiting: 0,
    contextSize: 4096,
    recentTokensPerSecond: 12,
    completed: 0,
    servers: [],
  };
}

const usage = (timeToFirstTokenMs: number) => ({
  promptTokens: 1,
  cachedPromptTokens: 0,
  generatedTokens: 1,
  queueMs: 0,
  timeToFirstTokenMs,
  totalMs: 1,
  tokensPerSecond: 1,
});

describe("the live view's samples", () => {
  it("keeps the newest `capacity` samples, oldest first", () => {
    const samples = new LiveSamples(3);
    for (let at = 1; at <= 5; at += 1) samples.add(stats(at), [], at);
    expect(samples.all().map((sample) => [sample.at, sample.busy])).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it("folds the answers' times to first token into the next sample only", () => {
    const samples = new LiveSamples();
    samples.recordAnswer(usage(100));
    samples.recordAnswer(usage(300));
    samples.add(stats(1), [], 1);
    samples.add(stats(0), [], 2);
    expect(samples.all().map((sample) => sample.timeToFirstTokenMs)).toEqual([200, null]);
  });
});
