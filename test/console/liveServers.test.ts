import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineStats, ServerStats } from "../../src/engine/engine.js";
import { ScriptedEngine } from "../discord/scriptedEngine.js";
import { desktop, launchBrowser } from "./consoleBrowser.js";
import { openScriptedConsole, type ScriptedConsole } from "./scriptedConsole.js";

const servers: readonly ServerStats[] = [
  {
    url: "http://127.0.0.1:8081",
    kind: "llama-server",
    healthy: true,
    model: "phi-4-mini",
    slots: 4,
    busy: 3,
    contextSize: 4096,
    recentTokensPerSecond: 41.5,
  },
  {
    url: "http://127.0.0.1:8082",
    kind: "openai",
    healthy: false,
    reason: "2 health checks unanswered",
    model: "phi-4-mini",
    slots: 2,
    busy: 0,
    contextSize: 0,
    recentTokensPerSecond: 0,
  },
];

/** An engine in front of two inference servers, one of them out of rotation. */
class ServersEngine extends ScriptedEngine {
  override stats(): EngineStats {
    return { ...super.stats(), kind: "servers", slots: 4, busy: 3, servers };
  }
}

describe("the live view with inference servers", () => {
  let served: ScriptedConsole;
  let browser: Browser;

  beforeAll(async () => {
    served = await openScriptedConsole(new ServersEngine({ chunkChars: 8, delayMs: 1 }));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("shows each server's health, why it is out of rotation, its load and speed", async () => {
    const page = await (await desktop(browser)).newPage();
    await page.goto(`${served.url}#live`);
    const rows = page.locator("#servers tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).locator("td").allTextContents()).toEqual([
      "http://127.0.0.1:8081",
      "healthy",
      "3/4",
      "42",
    ]);
    expect(await rows.nth(1).locator("td").allTextContents()).toEqual([
      "http://127.0.0.1:8082",
      "out: 2 health checks unanswered",
      "0/2",
      "0.0",
    ]);
  });
});
