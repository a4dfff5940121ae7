import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelAnalysis } from "../../src/service/cognitiveAnalysis.js";
import { ScriptedEngine } from "../discord/scriptedEngine.js";
import { desktop, launchBrowser } from "./consoleBrowser.js";
import { openScriptedConsole, type ScriptedConsole } from "./scriptedConsole.js";

function analysisOf(summary: string, selfConfidence: ModelAnalysis["self_confidence"]): string {
  const analysis: ModelAnalysis = {
    summary,
    reasoning_steps: ["One step."],
    quantitative_insights: [],
    patterns: [{ name: "Pattern", evidence: "Seen twice", confidence: 0.6 }],
    recommendations: [{ kind: "practical", action: "Do the obvious thing." }],
    self_confidence: selfConfidence,
  };
  return JSON.stringify(analysis);
}

async function analyze(page: Page, question: string): Promise<void> {
  await page.getByLabel("Your question").fill(question);
  await page.getByRole("button", { name: "Analyze" }).click();
  await expect.poll(() => page.locator("#progress").textContent()).toBe("Done.");
}

/** The model's side is scripted here: searching needs analyses that say known words. */
describe("the console's past analyses", () => {
  const engine = new ScriptedEngine({ chunkChars: 64, delayMs: 1 });
  let served: ScriptedConsole;
  let browser: Browser;

  beforeAll(async () => {
    served = await openScriptedConsole(engine);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("lists every analysis, newest first, plots their confidence, and finds them by their words", async () => {
    const page = await (await desktop(browser)).newPage();
    await page.goto(served.url);
    engine.say(analysisOf("Deploys fail when migrations drop columns.", 0.9), [0.9]);
    await analyze(page, "Why do deploys fail?");
    await page.getByRole("button", { name: "New chat" }).click();
    engine.say(analysisOf("Builds are slow because the cache misses.", 0.3), [0.5]);
    await analyze(page, "Why are builds slow?");

    await page.getByRole("link", { name: "Analyses" }).click();
    const summaries = page.locator("#analysis-list summary .what");
    await expect
      .poll(() => summaries.allTextContents())
      .toEqual(["Builds are slow because the cache misses.", "Deploys fail when migrations drop columns."]);
    expect(await page.locator("#confidence-chart circle").count()).toBe(2);

    await page.getByLabel("Search past analyses").fill("migrations");
    await page.getByLabel("Search past analyses").press("Enter");
    await expect
      .poll(() => summaries.allTextContents())
      .toEqual(["Deploys fail when migrations drop columns."]);
    expect(await page.locator("#analyses-count").textContent()).toBe("1 analysis matching “migrations”");

    await page.getByLabel("Search past analyses").fill("kubernetes");
    await page.getByLabel("Search past analyses").press("Enter");
    await expect
      .poll(() => page.locator("#analyses-count").textContent())
      .toBe("No analysis matches “kubernetes”.");
  });

  it("exports the owner's console data as JSON", async () => {
    const response = await fetch(`${served.url}api/export?platform=console&author=owner`);
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="guru-export-console-owner.json"',
    );
    const exported = (await response.json()) as { user: unknown; conversations: { analyses: unknown[] }[] };
    expect(exported.user).toEqual({ platform: "console", author: "owner" });
    expect(exported.conversations.flatMap((conversation) => conversation.analyses)).toHaveLength(2);
  });
});
