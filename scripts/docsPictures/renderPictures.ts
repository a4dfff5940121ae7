import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureConsolePictures } from "./captureConsole.js";
import { captureDiscordChannel } from "./captureDiscord.js";
import { captureSlackThread } from "./captureSlack.js";
import { discordPage } from "./discordPage.js";
import { screenshotPages } from "./screenshot.js";
import { slackPage } from "./slackPage.js";

/**
 * `npm run docs:pictures`: the README's pictures of Guru in Slack and in Discord, and of its console. Guru's real
 * fronts answer scripted model output against the test suite's fake Slack and fake Discord; what
 * the fakes received is laid out as each platform shows it and photographed by headless Chromium.
 */
const images = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "images");
mkdirSync(images, { recursive: true });
const pages = [
  { html: slackPage(await captureSlackThread()), path: join(images, "slack.png") },
  { html: discordPage(await captureDiscordChannel()), path: join(images, "discord.png") },
];
await screenshotPages(pages);
const consolePaths = await captureConsolePictures(images);
for (const path of [...pages.map((page) => page.path), ...consolePaths])
  console.log(`${path}: ${Math.round(statSync(path).size / 1024)} KB`);
