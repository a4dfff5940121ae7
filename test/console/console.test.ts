import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuruServer, killLeftoverGuru, startGuru } from "../support/guruServer.js";
import { sendRaw } from "../support/rawHttp.js";
import { tinyModelPath } from "../support/tinyModel.js";
import { consoleUrl, desktop, launchBrowser, phone } from "./consoleBrowser.js";

/** How many times the streaming reply's text changed in place before it settled. */
async function watchReplyText(page: Page): Promise<void> {
  await page.evaluate(() => {
    const target = document.getElementById("messages");
    const counts = { changes: 0 };
    (window as unknown as { replyChanges: typeof counts }).replyChanges = counts;
    new MutationObserver((records) => {
      for (const record of records) {
        const node = record.target instanceof Element ? record.target : record.target.parentElement;
        if (node?.closest(".message.assistant")) counts.changes += 1;
      }
    }).observe(target ?? document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function replyChanges(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { replyChanges: { changes: number } }).replyChanges.changes,
  );
}

/** Analyses queued ahead of the question the Stop test stops. */
const aheadOfStopped = 12;

describe("the console, in a real browser against guru start on the tiny model", () => {
  let guru: GuruServer;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-console-"));
    guru = startGuru(
      ["start"],
      // One slot, so a question can be made to wait behind others.
      {
        GURU_MODEL: await tinyModelPath(),
        GURU_DATA_DIR: dataDir,
        GURU_WEB_PORT: "0",
        GURU_SLOTS: "1",
        // The stopped question and the analyses ahead of it are all the console owner's.
        GURU_ENGINE__MAX_WAITING_PER_USER: String(aheadOfStopped + 1),
      },
      dataDir,
    );
    await guru.waitForOutput(/Guru is listening on the console/, 90_000);
    url = consoleUrl(guru.output());
    browser = await launchBrowser();
    context = await desktop(browser);
  });

  afterAll(async () => {
    await browser?.close();
    if (guru) expect(await guru.stop("SIGTERM")).toBe(0);
    killLeftoverGuru();
  });

  it("streams the answer to a question into the conversation as it is written", async () => {
    const page = await context.newPage();
    await page.goto(url);
    await watchReplyText(page);
    await page.getByLabel("Your question").fill("What makes a good cache key?");
    await page.getByRole("button", { name: "Ask" }).click();

    await expect.poll(() => page.locator("#progress").textContent(), { timeout: 60_000 }).toBe("Done.");
    const reply = page.locator(".message.assistant .text").last();
    expect((await reply.textContent())?.length).toBeGreaterThan(0);
    expect(await reply.getAttribute("aria-busy")).toBe("false");
    // The text arrived in several updates, not at once.
    expect(await replyChanges(page)).toBeGreaterThan(2);
    await expect
      .poll(() => page.locator(".message.user .text").last().textContent())
      .toBe("What makes a good cache key?");

    // Reloaded, the conversation's history is read back from memory.
    await page.reload();
    await expect.poll(() => page.locator(".message").count()).toBe(2);
    await page.close();
  });

  it("shows an analysis as a card with its confidence and the parts it is computed from as bars", async () => {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel("Your question").fill("Why did three deploys fail this week?");
    await page.getByRole("button", { name: "Analyze" }).click();

    const card = page.locator(".message.assistant .analysis-card").last();
    await card.waitFor({ timeout: 60_000 });
    const meters = card.getByRole("meter");
    const labels = await meters.evaluateAll((nodes) => nodes.map((node) => node.getAttribute("aria-label")));
    expect(labels.slice(0, 4)).toEqual(["Overall", "Token probability", "Self-assessment", "Completeness"]);
    for (const value of await meters.evaluateAll((nodes) =>
      nodes.map((node) => Number(node.getAttribute("aria-valuenow"))),
    )) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
    expect((await card.locator(".summary").textContent())?.length).toBeGreaterThan(0);

    // The Analyses view lists it, searchable, with the confidence chart.
    await page.getByRole("link", { name: "Analyses" }).click();
    await expect.poll(() => page.locator("#analysis-list details").count()).toBeGreaterThan(0);
    await expect(page.locator("#confidence-chart circle").count()).resolves.toBeGreaterThan(0);
    await page.close();
  });

  it("stops a question with Stop, and keeps it in the conversation marked interrupted", async () => {
    const page = await context.newPage();
    await page.goto(url);
    // Analyses ahead of it in the one slot's queue, enough that the tiny model cannot finish them
    // before the question is asked; called off once it has been stopped.
    const ahead = page.evaluate((count) => {
      const calledOff = new AbortController();
      (window as unknown as { calledOff: AbortController }).calledOff = calledOff;
      return Promise.all(
        Array.from({ length: count }, (_, n) =>
          fetch("/api/chat", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ conversation: `ahead-${n}`, text: "Take your time.", mode: "analyze" }),
            signal: calledOff.signal,
          })
            .then((response) => response.text())
            .catch(() => "called off"),
        ),
      );
    }, aheadOfStopped);
    await expect
      .poll(() =>
        page.evaluate(() =>
          fetch("/api/status")
            .then((response) => response.json())
            .then((status: { busy: number; waiting: number }) => status.busy === 1 && status.waiting >= 2),
        ),
      )
      .toBe(true);
    await page.getByRole("button", { name: "New chat" }).click();
    await page.getByLabel("Your question").fill("Will this be stopped?");
    await page.getByRole("button", { name: "Ask" }).click();
    await expect.poll(() => page.locator("#progress").textContent()).toMatch(/^Waiting in the queue/);

    await page.getByRole("button", { name: "Stop" }).click();

    await expect.poll(() => page.locator("#progress").textContent()).toBe("Stopped.");
    const conversation = await page.locator("#conversation").inputValue();
    await expect
      .poll(() =>
        page.evaluate(
          (id) => fetch(`/api/history?conversation=${id}`).then((response) => response.json()),
          conversation,
        ),
      )
      .toMatchObject({
        messages: [
          { role: "user", text: "Will this be stopped?" },
          { role: "assistant", status: "interrupted" },
        ],
      });
    await page.evaluate(() => (window as unknown as { calledOff: AbortController }).calledOff.abort());
    await ahead;
    await page.close();
  });

  it("moves the live charts while requests run", async () => {
    const page = await context.newPage();
    await page.goto(`${url}#live`);
    const busy = page.locator("#chart-busy svg");
    await busy.waitFor();
    const speedBefore = await page.locator("#chart-speed polyline").getAttribute("points");
    // Questions sent straight to the API while the page watches; until the busy chart has seen one.
    let busySeen = false;
    for (let attempt = 0; attempt < 20 && !busySeen; attempt += 1) {
      await page.evaluate(() =>
        fetch("/api/chat", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ conversation: "live-check", text: "Count to five.", mode: "analyze" }),
        }).then((response) => response.text()),
      );
      busySeen = await page.evaluate(() => {
        const points = document.querySelector("#chart-busy polyline")?.getAttribute("points") ?? "";
        const baseline = Number(document.querySelector("#chart-busy line")?.getAttribute("y1"));
        return points.split(" ").some((point) => Number(point.split(",")[1]) < baseline);
      });
    }
    expect(busySeen).toBe(true);
    await expect
      .poll(() => page.locator("#chart-speed polyline").getAttribute("points"))
      .not.toBe(speedBefore);
    await expect
      .poll(() => page.locator("#chart-speed svg").getAttribute("aria-label"))
      .toMatch(/^Tokens per second: [1-9]/);
    // The console's own answers' times to first token show as dots.
    expect(await page.locator("#chart-ttft circle").count()).toBeGreaterThan(0);
    // Each front guru start serves, and whether it is connected: here the console alone.
    expect(await page.locator("#fronts li").allTextContents()).toEqual(["the console: connected"]);
    await page.close();
  });

  it("forgets a conversation from the memory view", async () => {
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    await page.goto(`${url}#memory`);
    const row = page.getByRole("row").filter({ hasText: "live-check" });
    await row.waitFor();
    // What Guru keeps of it: the questions asked there, by whom.
    await row.getByRole("button", { name: /^Show what Guru keeps/ }).click();
    await expect.poll(() => page.locator(".kept li").first().textContent()).toBe("owner: Count to five.");
    await row.getByRole("button", { name: /^Forget / }).click();

    await expect
      .poll(() => page.locator("#memory-status").textContent())
      .toBe("Forgot console:local:local:live-check.");
    await expect.poll(() => row.count()).toBe(0);
    const listed = await page.evaluate(() => fetch("/api/memory").then((response) => response.json()));
    expect(JSON.stringify(listed)).not.toContain("live-check");
    await page.close();
  });

  it("on loopback, refuses a page of another site: a rebound host name, a cross-site post", async () => {
    const rebound = await sendRaw({
      url: `${url}api/memory`,
      method: "GET",
      headers: { host: "attacker.example" },
      body: Buffer.alloc(0),
    });
    expect(rebound.status).toBe(403);
    const crossSite = await sendRaw({
      url: `${url}api/forget`,
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://attacker.example" },
      body: Buffer.from(
        JSON.stringify({ address: { platform: "console", space: "local", channel: "local", thread: "x" } }),
      ),
    });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body)).toMatchObject({ error: { code: "NOT_ALLOWED" } });
  });

  it("answers bad input with a clear refusal", async () => {
    const notJson = await fetch(`${url}api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    const wrongShape = await fetch(`${url}api/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ conversation: "../../x", text: "hi" }),
    });
    expect(wrongShape.status).toBe(400);
    expect(((await wrongShape.json()) as { error: { message: string } }).error.message).toContain(
      "conversation",
    );
    expect((await fetch(`${url}nothing-here`)).status).toBe(404);
  });

  it("shows the Markdown Guru writes as elements, and markup inside it as text", async () => {
    const page = await context.newPage();
    await page.goto(url);
    // The page's own module, imported in the page (a string: the test runner would rewrite `import()`).
    const shown = (await page.evaluate(`(async () => {
      const { markdownView } = await import("/markdownView.js");
      const view = markdownView(${JSON.stringify(
        "Use **npm ci** and `node_modules`:\n\n1. one\n2. two\n\n```sh\nnpm ci\n```\n<img src=x onerror=alert(1)>",
      )});
      return {
        tags: [...view.querySelectorAll("*")].map((node) => node.tagName.toLowerCase()),
        text: view.lastElementChild?.textContent,
      };
    })()`)) as { tags: string[]; text: string };
    expect(shown.tags).toEqual(["p", "strong", "code", "ol", "li", "li", "pre", "code", "p"]);
    expect(shown.text).toBe("<img src=x onerror=alert(1)>");
    await page.close();
  });

  it("loads only its own files, and prints their size and its first paint", async () => {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.locator("#conversation option").first().waitFor({ state: "attached" });
    const figures = await page.evaluate(() => {
      const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const files = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (entry) => !new URL(entry.name).pathname.startsWith("/api/"),
      );
      return {
        origins: [...new Set([navigation, ...files].map((entry) => new URL(entry.name).origin))],
        files: files.length + 1,
        bytes: [navigation, ...files].reduce((sum, entry) => sum + entry.encodedBodySize, 0),
        firstPaintMs: performance.getEntriesByName("first-paint")[0]?.startTime ?? -1,
        firstContentfulPaintMs: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
      };
    });
    // Fully offline: the page, its styles and modules all come from the console itself.
    expect(figures.origins).toEqual([new URL(url).origin]);
    console.log(
      `console bundle: ${figures.files} files, ${(figures.bytes / 1024).toFixed(1)} KB uncompressed; ` +
        `first paint ${figures.firstPaintMs.toFixed(0)} ms, first contentful paint ${figures.firstContentfulPaintMs.toFixed(0)} ms`,
    );
    await page.close();
  });

  it("is usable at a phone's width by keyboard alone", async () => {
    const small = await phone(browser);
    const page = await small.newPage();
    await page.goto(url);
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator("#question").focus();
    await page.keyboard.type("Hello from a phone");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#progress").textContent(), { timeout: 60_000 }).toBe("Done.");
    // Tab order: the question box is followed by Ask, Analyze (Stop is disabled while idle).
    await expect.poll(() => page.locator("#stop").isDisabled()).toBe(true);
    await page.locator("#question").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("ask");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("analyze");
    await small.close();
  });
});
