import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

/**
 * The Chromium to drive: `CHROMIUM_PATH`, or the system's `chromium` (Debian: `apt-get install
 * chromium`). playwright-core downloads no browser of its own.
 */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
      // not installed under this name
    }
  }
  throw new Error("No Chromium found: install it (apt-get install -y chromium) or set CHROMIUM_PATH.");
}

/** Renders each page in headless Chromium and writes a PNG of its `#frame` element. */
export async function screenshotPages(pages: readonly { html: string; path: string }[]): Promise<void> {
  // The sandbox needs user namespaces, which containers running as root rarely have.
  const browser = await chromium.launch({ executablePath: chromiumPath(), chromiumSandbox: false });
  try {
    const context = await browser.newContext({ viewport: { width: 720, height: 600 }, deviceScaleFactor: 1 });
    for (const { html, path } of pages) {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: "load" });
      await page.locator("#frame").screenshot({ path });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}
