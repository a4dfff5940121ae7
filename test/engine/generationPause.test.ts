import { describe, expect, it } from "vitest";
import { GenerationPause } from "../../src/engine/embedded/generationPause.js";

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("GenerationPause", () => {
  it("lets token loops go on at once while nothing is erased", async () => {
    const pause = new GenerationPause();
    let passed = false;
    void pause.beforeNextToken().then(() => {
      passed = true;
    });
    await settle();
    expect(passed).toBe(true);
  });

  it("holds token loops back until every erase has ended", async () => {
    const pause = new GenerationPause();
    const ends: (() => void)[] = [];
    const erase = () => new Promise<void>((resolve) => ends.push(resolve));
    const first = pause.whileErasing(erase);
    const second = pause.whileErasing(erase);
    let passed = false;
    void pause.beforeNextToken().then(() => {
      passed = true;
    });
    ends[0]?.();
    await first;
    await settle();
    expect(passed).toBe(false);
    ends[1]?.();
    await second;
    await settle();
    expect(passed).toBe(true);
  });

  it("hands back what the erase returned", async () => {
    const pause = new GenerationPause();
    await expect(pause.whileErasing(async () => 42)).resolves.toBe(42);
  });
});
