import { statSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import type { EngineStats } from "../../src/engine/engine.js";
import type { GenerationEvent } from "../../src/engine/generationTypes.js";
import type { GuruError } from "../../src/errors.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";
import { openScriptedConsole } from "../../test/console/scriptedConsole.js";
import { ScriptedEngine } from "../../test/discord/scriptedEngine.js";
import { analysisQuestion, answer, modelAnalysis, question, tokenConfidences } from "./exchanges.js";
import { chromiumPath } from "./screenshot.js";

/** The scripted model behind four slots, counting what runs, so the live view has load to show. */
class BusyEngine implements AnswerEngine {
  private running = 0;
  private completed = 0;
  private tokensPerSecond = 0;

  constructor(readonly script: ScriptedEngine) {}

  async *generate(): AsyncGenerator<GenerationEvent> {
    this.running += 1;
    try {
      for await (const event of this.script.generate()) {
        if (event.type === "done") {
          this.completed += 1;
          this.tokensPerSecond = event.result.usage.tokensPerSecond;
        }
        yield event;
      }
    } finally {
      this.running -= 1;
    }
  }

  countTokens(text: string): number {
    return this.script.countTokens(text);
  }

  refusal(): GuruError | undefined {
    return undefined;
  }

  stats(): EngineStats {
    return {
      ...this.script.stats(),
      slots: 4,
      busy: Math.min(this.running, 4),
      waiting: Math.max(0, this.running - 4),
      completed: this.completed,
      recentTokensPerSecond: this.tokensPerSecond,
    };
  }
}

async function ask(page: Page, text: string, button: "Ask" | "Analyze"): Promise<void> {
  await page.getByLabel("Your question").fill(text);
  await page.getByRole("button", { name: button }).click();
  await page.locator("#progress", { hasText: "Done." }).waitFor({ timeout: 30_000 });
}

/**
 * Guru's real console front (its server, the conversation service, SQLite, the page in headless
 * Chromium) over a scripted model: a question and an analysis in the chat, then a burst of
 * questions for the live view. Writes the three pictures into `directory`; returns their paths.
 */
export async function captureConsolePictures(directory: string): Promise<string[]> {
  const engine = new BusyEngine(new ScriptedEngine({ chunkChars: 6, delayMs: 40 }));
  const served = await openScriptedConsole(engine);
  const browser = await chromium.launch({ executablePath: chromiumPath(), chromiumSandbox: false });
  const [chat, card, live] = [
    join(directory, "console-chat.png"),
    join(directory, "console-analysis.png"),
    join(directory, "console-live.png"),
  ] as const;
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 760 }, deviceScaleFactor: 1 });
    await page.goto(served.url);
    engine.script.say(answer);
    await ask(page, question, "Ask");
    engine.script.say(JSON.stringify(modelAnalysis), tokenConfidences);
    await ask(page, analysisQuestion, "Analyze");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: chat });
    await page.getByRole("link", { name: "Analyses" }).click();
    await page.locator("#analysis-list summary").first().click();
    await page.locator("#analysis-list .analysis-card").first().screenshot({ path: card });

    // Waves of questions, some more than the four slots take at once, while the live feed samples.
    engine.script.say(answer);
    for (const wave of [2, 6, 3, 5]) {
      await page.evaluate(
        (count) =>
          Promise.all(
            Array.from({ length: count }, (_, i) =>
              fetch("/api/chat", {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ conversation: `load-${i}`, text: "How busy are you?" }),
              }).then((response) => response.text()),
            ),
          ),
        wave,
      );
    }
    await page.goto(`${served.url}#live`);
    await page.locator("#chart-ttft circle").first().waitFor();
    await page.screenshot({ path: live });
  } finally {
    await browser.close();
    await served.close();
  }
  return [chat, card, live].map((path) => {
    if (statSync(path).size === 0) throw new Error(`${path} is empty`);
    return path;
  });
}
