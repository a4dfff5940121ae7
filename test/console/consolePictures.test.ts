import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureConsolePictures } from "../../scripts/docsPictures/captureConsole.js";

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** docs/console.md's pictures (`npm run docs:pictures`) come from the real console in Chromium. */
describe("the pictures of the console", () => {
  it("are taken of the chat, an analysis card and the live view, each under 200 KB", async () => {
    const paths = await captureConsolePictures(mkdtempSync(join(tmpdir(), "guru-console-pictures-")));
    expect(paths.map((path) => path.split("/").at(-1))).toEqual([
      "console-chat.png",
      "console-analysis.png",
      "console-live.png",
    ]);
    for (const path of paths) {
      const bytes = readFileSync(path);
      expect(bytes.subarray(0, 8)).toEqual(pngSignature);
      expect(bytes.length).toBeLessThan(200 * 1024);
    }
  }, 120_000);
});
