import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LlamaModel } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseThreads, type LlamaBackend } from "../../src/engine/embedded/llamaBackend.js";
import { calibrateThreads, fastest, threadCandidates } from "../../src/engine/embedded/threadCalibration.js";
import { ThreadChoiceCache, threadChoiceFileName } from "../../src/engine/embedded/threadChoiceCache.js";
import { silentLogger } from "../../src/log/logger.js";
import { sharedBackend } from "../support/engineHarness.js";
import { tinyModelPath } from "../support/tinyModel.js";

describe("thread candidates", () => {
  it("tries every count up to 4 cores, never more than the cores", () => {
    expect(threadCandidates(1)).toEqual([1]);
    expect(threadCandidates(2)).toEqual([1, 2]);
    expect(threadCandidates(4)).toEqual([1, 2, 3, 4]);
  });

  it("tries powers of two, every core but one and every core on a big machine", () => {
    expect(threadCandidates(16)).toEqual([1, 2, 3, 4, 8, 15, 16]);
  });
});

describe("the fastest thread count", () => {
  it("takes more threads only when they are clearly faster", () => {
    expect(
      fastest([
        { threads: 1, tokensPerSecond: 20 },
        { threads: 2, tokensPerSecond: 35 },
      ]),
    ).toBe(2);
  });

  it("keeps fewer threads on a near tie, leaving a core to the rest", () => {
    expect(
      fastest([
        { threads: 1, tokensPerSecond: 40 },
        { threads: 2, tokensPerSecond: 40.5 },
      ]),
    ).toBe(1);
  });

  it("keeps fewer threads when more are slower", () => {
    expect(
      fastest([
        { threads: 1, tokensPerSecond: 41 },
        { threads: 2, tokensPerSecond: 36 },
      ]),
    ).toBe(1);
  });
});

describe("choosing threads", () => {
  let backend: LlamaBackend;
  let model: LlamaModel;
  let modelPath: string;
  let folder: string;

  beforeAll(async () => {
    backend = await sharedBackend();
    modelPath = await tinyModelPath();
    model = await backend.llama.loadModel({ modelPath });
    folder = await mkdtemp(join(tmpdir(), "guru-threads-"));
  });

  afterAll(async () => {
    await model.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  const options = () => ({ model, modelPath, cacheFolder: folder, logger: silentLogger });
  const subject = (sequences: number) => ({
    modelPath,
    binary: backend.binary,
    cpuMathCores: backend.info.cpuMathCores,
    sequences,
  });

  it("uses a configured count as it is", async () => {
    expect(await chooseThreads(3, backend, 2, options())).toBe(3);
  });

  it("measures every candidate on the slots' sequences and picks one of them", async () => {
    const calibration = await calibrateThreads(model, 2, [1]);
    expect(calibration.threads).toBe(1);
    expect(calibration.trials).toHaveLength(1);
    expect(calibration.trials[0]?.tokensPerSecond).toBeGreaterThan(0);
  });

  it('keeps the measured "auto" choice and uses it on the next start', async () => {
    const chosen = await chooseThreads("auto", backend, 2, options());
    expect(threadCandidates(backend.info.cpuMathCores)).toContain(chosen);
    expect((await new ThreadChoiceCache(folder).get(subject(2)))?.threads).toBe(chosen);
  });

  it("takes a kept choice without measuring again", async () => {
    // A count no measurement here would give: only the cache can have said it.
    await new ThreadChoiceCache(folder).set(subject(3), { threads: 7, trials: [] });
    expect(await chooseThreads("auto", backend, 3, options())).toBe(7);
  });

  it("measures anew when the kept file is unreadable", async () => {
    await writeFile(join(folder, threadChoiceFileName), "{ not json");
    expect(await new ThreadChoiceCache(folder).get(subject(2))).toBeUndefined();
    const chosen = await chooseThreads("auto", backend, 4, options());
    expect(threadCandidates(backend.info.cpuMathCores)).toContain(chosen);
  });
});
