import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { chromiumPath } from "../../scripts/docsPictures/screenshot.js";

/** Headless Chromium (the system's, as CI installs it), one context per viewport. */
export async function launchBrowser(): Promise<Browser> {
  // The sandbox needs user namespaces, which containers running as root rarely have.
  return chromium.launch({ executablePath: chromiumPath(), chromiumSandbox: false });
}

export function desktop(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1000, height: 760 }, deviceScaleFactor: 1 });
}

/** A phone's width (an iPhone 12's CSS pixels). */
export function phone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, hasTouch: true });
}

/** The console's URL, as `guru start` logged (or printed, with its token) it. */
export function consoleUrl(output: string, pattern = /console at (http:\/\/\S+)/): string {
  const url = pattern.exec(output)?.[1];
  if (!url) throw new Error(`no console URL in the output:\n${output}`);
  return url;
}
