import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { captureDiscordChannel } from "../../scripts/docsPictures/captureDiscord.js";
import { captureSlackThread } from "../../scripts/docsPictures/captureSlack.js";
import { discordMarkdownToHtml, discordPage } from "../../scripts/docsPictures/discordPage.js";
import { chromiumPath, screenshotPages } from "../../scripts/docsPictures/screenshot.js";
import { mrkdwnToHtml, slackPage } from "../../scripts/docsPictures/slackPage.js";

/** The README's pictures (`npm run docs:pictures`) come from Guru's real fronts; these pages are what is photographed. */
describe("the pictures of Guru in Slack and Discord", () => {
  let slack: string;
  let discord: string;

  beforeAll(async () => {
    slack = slackPage(await captureSlackThread());
    discord = discordPage(await captureDiscordChannel());
  });

  it("show the Slack answer as Slack renders the mrkdwn Guru posted: bold, inline code, a code block", () => {
    expect(slack).toContain('<span class="mention">@Guru</span> Why does our CI cache miss');
    expect(slack).toContain("so <b>any</b> dependency bump");
    expect(slack).toContain("<code>package-lock.json</code>");
    expect(slack).toMatch(
      /<pre>key: deps-\S+ hashFiles\('package-lock.json'\) \S+\nrestore-keys: deps-<\/pre>/,
    );
  });

  it("show the Slack analysis as its Block Kit sections, the computed confidence last", () => {
    // The analysis's own message: the answer before it has Block Kit sections too.
    const analysis = slack.split("<article>").find((message) => message.includes("<b>Summary</b>")) ?? "";
    const sections = [...analysis.matchAll(/<section[^>]*><div class="prose">(.*?)<\/div><\/section>/gs)].map(
      (m) => m[1]?.split("\n")[0],
    );
    expect(sections).toEqual([
      "<b>Summary</b>",
      "<b>Reasoning</b>",
      "<b>Quantitative insights</b>",
      "<b>Patterns</b>",
      "<b>Recommendations</b>",
      "<b>Confidence: 75%</b>",
      "token probability 72% · self-assessed 70% · completeness 100%",
    ]);
    expect(slack).toContain("• <b>Breaking migrations</b> — 80% confidence");
  });

  it("show the Discord answer as a reply to the question, with its Markdown rendered", () => {
    expect(discord).toContain(
      '<b>@alice</b> <span class="preview"><span class="mention">@Guru</span> Why does',
    );
    expect(discord).toContain("so <b>any</b> dependency bump");
    expect(discord).toContain("<i>prefix</i>");
    expect(discord).toContain("<pre>key: deps-");
  });

  it("show the Discord analysis as the embed Guru sent: title, fields, footer, colour bar", () => {
    expect(discord).toContain('<b>alice</b> used <span class="command">/analyze</span>');
    expect(discord).toContain('<div class="embed" style="border-left-color:#57f287">');
    expect(discord).toContain(
      `<div class="title">Analysis: Why did three of this week's deploys fail?</div>`,
    );
    const fields = [...discord.matchAll(/<div class="name"><div class="prose">(.*?)<\/div><\/div>/g)].map(
      (m) => m[1],
    );
    expect(fields).toEqual(["Reasoning", "Numbers", "Pattern: Breaking migrations — 80%", "Recommendations"]);
    expect(discord).toContain('<div class="footer">Confidence 75% — token probability 72%');
  });

  it("keep what people wrote as text: no markup of theirs reaches the page", () => {
    expect(discordMarkdownToHtml("<img src=x> **hi**", {})).toBe(
      '<div class="prose">&lt;img src=x&gt; <b>hi</b></div>',
    );
    expect(mrkdwnToHtml("&lt;img src=x&gt; & <!channel>", {})).toBe(
      '<div class="prose">&lt;img src=x&gt; &amp; <span class="mention">@channel</span></div>',
    );
  });

  it.skipIf(!hasChromium())("are photographed by headless Chromium", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "guru-pictures-")), "slack.png");
    await screenshotPages([{ html: slack, path }]);
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(720);
    expect(png.readUInt32BE(20)).toBeGreaterThan(400);
  });
});

/** CI installs Chromium (.ci/run); a workstation without one still checks the pages. */
function hasChromium(): boolean {
  try {
    chromiumPath();
    return true;
  } catch {
    return false;
  }
}
