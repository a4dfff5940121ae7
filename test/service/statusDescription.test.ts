import { describe, expect, it } from "vitest";
import type { EngineStats } from "../../src/engine/engine.js";
import { describeStatus } from "../../src/service/statusDescription.js";

const embedded: EngineStats = {
  kind: "embedded",
  model: "/srv/models/Phi-4-mini-instruct-Q4_K_M.gguf",
  backend: { kind: "cuda", deviceNames: ["RTX 4090"], cpuMathCores: 16 },
  threads: 4,
  slots: 4,
  busy: 1,
  waiting: 2,
  contextSize: 4096,
  recentTokensPerSecond: 52.25,
  completed: 9,
  servers: [],
};

const servers: EngineStats = {
  ...embedded,
  kind: "servers",
  model: "phi-4-mini",
  backend: { kind: "servers", deviceNames: ["http://gpu1:8080", "http://gpu2:8080"], cpuMathCores: 0 },
  threads: 0,
  slots: 4,
  servers: [
    {
      url: "http://gpu1:8080",
      kind: "llama-server",
      healthy: true,
      model: "/models/phi-4-mini.gguf",
      slots: 4,
      busy: 1,
      contextSize: 4096,
      recentTokensPerSecond: 41.26,
    },
    {
      url: "http://gpu2:8080",
      kind: "llama-server",
      healthy: false,
      reason: "connection refused",
      model: "/models/phi-4-mini.gguf",
      slots: 4,
      busy: 0,
      contextSize: 4096,
      recentTokensPerSecond: 0,
    },
  ],
};

describe("the status description every front renders", () => {
  it("names the model file, the device, the queue and the recent speed of the embedded engine", () => {
    const status = describeStatus(embedded);
    expect(status.summary).toEqual([
      { label: "Model", text: "Phi-4-mini-instruct-Q4_K_M.gguf on cuda (RTX 4090)" },
      { label: "Slots", text: "1/4 busy, 2 waiting" },
      { label: "Speed", text: "52.3 tokens/s recently, 9 answers since start" },
    ]);
    expect(status.servers).toEqual([]);
  });

  it("gives each inference server its health, busy slots and speed", () => {
    const status = describeStatus(servers);
    expect(status.summary[0]).toEqual({
      label: "Model",
      text: "phi-4-mini.gguf on 2 inference servers (1 in rotation)",
    });
    expect(status.servers).toEqual([
      { label: "http://gpu1:8080", text: "in rotation, 1/4 busy, 41.3 tokens/s, 4096 tokens a slot" },
      { label: "http://gpu2:8080", text: "down: connection refused; 0/4 busy" },
    ]);
  });
});
