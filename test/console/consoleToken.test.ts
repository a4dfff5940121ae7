import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuruServer, killLeftoverGuru, startGuru } from "../support/guruServer.js";
import { tinyModelPath } from "../support/tinyModel.js";
import { consoleUrl, desktop, launchBrowser } from "./consoleBrowser.js";

/**
 * Bound to every interface (0.0.0.0), the console asks for the token Guru printed at start. The
 * test reaches it at 127.0.0.1 only: binding all interfaces sends no traffic anywhere else.
 */
describe("the console on a non-loopback bind", () => {
  let guru: GuruServer;
  let token: string;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-console-token-"));
    const configFile = join(dataDir, "guru.json");
    writeFileSync(configFile, JSON.stringify({ web: { host: "0.0.0.0" } }));
    guru = startGuru(
      ["start"],
      {
        GURU_MODEL: await tinyModelPath(),
        GURU_DATA_DIR: dataDir,
        GURU_CONFIG: configFile,
        GURU_WEB_PORT: "0",
      },
      dataDir,
    );
    await guru.waitForOutput(/Guru is listening on the console/, 90_000);
    // The token goes to stdout, the log to stderr: two pipes, so either may arrive first.
    await guru.waitForOutput(/access token \(shown once\): http/, 10_000);
    const printed = new URL(consoleUrl(guru.output(), /access token \(shown once\): (http:\/\/\S+)/));
    token = printed.searchParams.get("token") ?? "";
    base = `http://127.0.0.1:${printed.port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (guru) expect(await guru.stop("SIGTERM")).toBe(0);
    killLeftoverGuru();
  });

  it("prints the token once, and nowhere else", () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(guru.output().split(token)).toHaveLength(2);
    expect(guru.output()).toMatch(/console at http:\/\/0\.0\.0\.0:\d+\//);
  });

  it("refuses a request without the token", async () => {
    for (const path of ["/", "/api/memory", "/main.js", "/api/live"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NOT_ALLOWED");
    }
    const posted = await fetch(`${base}/api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ conversation: "x", text: "hi", mode: "ask" }),
    });
    expect(posted.status).toBe(401);
  });

  it("refuses a wrong token", async () => {
    const response = await fetch(`${base}/api/memory`, {
      headers: { authorization: `Bearer ${token.slice(1)}x` },
    });
    expect(response.status).toBe(401);
  });

  it("answers a request with the token as a bearer", async () => {
    const response = await fetch(`${base}/api/memory`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ conversations: [] });
  });

  it("lets a browser in from the printed URL: a cookie carries the token, the address bar loses it", async () => {
    const context = await desktop(browser);
    const page = await context.newPage();
    await page.goto(`${base}/?token=${token}#memory`);
    expect(new URL(page.url()).search).toBe("");
    await expect
      .poll(() => page.locator("#memory-status").textContent())
      .toBe("Guru keeps no conversations.");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "guru_console", value: token, httpOnly: true, sameSite: "Strict" });
    await context.close();

    const stranger = await desktop(browser);
    const refused = await (await stranger.newPage()).goto(`${base}/`);
    expect(refused?.status()).toBe(401);
    await stranger.close();
  });
});
