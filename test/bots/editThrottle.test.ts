import { describe, expect, it } from "vitest";
import { EditThrottle } from "../../src/bots/common/editThrottle.js";

describe("EditThrottle", () => {
  it("edits at most once per interval and always ends on the newest text", async () => {
    const edits: { text: string; at: number }[] = [];
    const throttle = new EditThrottle(100, async (text) => {
      edits.push({ text, at: Date.now() });
    });
    const started = Date.now();
    for (let i = 1; i <= 30; i += 1) {
      throttle.show(`text ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    await throttle.flush();
    expect(edits.at(-1)?.text).toBe("text 30");
    expect(edits.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 1);
    for (let i = 1; i < edits.length; i += 1) {
      expect((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    }
  });
});
