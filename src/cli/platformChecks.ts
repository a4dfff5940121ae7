import { REST } from "discord.js";
import { fetchApplication } from "../bots/discord/discordApplication.js";
import { boltLogger } from "../bots/slack/boltLogger.js";
import { slackConfigured, slackEventsPath, slackMode } from "../bots/slack/slackBot.js";
import { identifySlackBot } from "../bots/slack/slackIdentity.js";
import { SlackWebApi } from "../bots/slack/slackWebApi.js";
import type { GuruConfig } from "../config/configSchema.js";
import type { Secrets } from "../config/secrets.js";
import { GuruError, isGuruError } from "../errors.js";
import { silentLogger } from "../log/logger.js";
import type { DoctorCheck } from "./doctorCheck.js";

/** A diagnosis asks once and does not wait long: `guru start` is the one that retries. */
const checkTimeoutMs = 10_000;

const unreachableFix = "see docs/troubleshooting.md, 'Cannot reach Slack or Discord'";

/**
 * `guru doctor`'s look at the platforms: each configured token tried against its API (never
 * printed), and which fronts `guru start` would run.
 */
export async function platformChecks(
  config: GuruConfig,
  secrets: Secrets,
  interactive: boolean,
): Promise<DoctorCheck[]> {
  const tried = await Promise.all([
    secrets.slackBotToken ? slackCheck(secrets.slackBotToken, config.slack.apiUrl) : null,
    secrets.discordToken ? discordCheck(secrets.discordToken, config.discord.apiUrl) : null,
  ]);
  return [
    ...tried.filter((check): check is DoctorCheck => check !== null),
    frontsCheck(config, secrets, interactive),
  ];
}

async function slackCheck(token: string, apiUrl: string): Promise<DoctorCheck> {
  const api = SlackWebApi.create({
    token,
    apiUrl,
    policy: { attempts: 1, backoffMs: 0, timeoutMs: checkTimeoutMs },
    logger: silentLogger,
    boltLogger: boltLogger(silentLogger, "silent"),
  });
  try {
    const bot = await identifySlackBot(api, apiUrl);
    return {
      name: "slack",
      ok: true,
      detail: `SLACK_BOT_TOKEN is bot "${bot.userName}" (${bot.userId}) in workspace "${bot.teamName}" (${bot.teamId})`,
      outcome: "configuration",
    };
  } catch (error) {
    return failed(
      "slack",
      error,
      "put the bot token (xoxb-) from the app's OAuth & Permissions page in .env",
    );
  }
}

async function discordCheck(token: string, apiUrl: string): Promise<DoctorCheck> {
  const rest = new REST({ api: apiUrl, timeout: checkTimeoutMs, retries: 0 }).setToken(token);
  try {
    const application = await fetchApplication(rest, apiUrl);
    return {
      name: "discord",
      ok: true,
      detail: `DISCORD_TOKEN is application "${application.name}" (${application.id}); Message Content intent ${application.messageContent ? "on" : "off"}`,
      outcome: "configuration",
    };
  } catch (error) {
    return failed(
      "discord",
      error,
      "reset the bot token in the Developer Portal (your app → Bot) and put it in .env",
    );
  }
}

function failed(name: string, error: unknown, credentialsFix: string): DoctorCheck {
  if (!isGuruError(error)) throw error;
  return {
    name,
    ok: false,
    detail: `${error.label}: ${error.message}`,
    fix: isGuruError(error, "PLATFORM_UNREACHABLE") ? unreachableFix : credentialsFix,
    outcome: isGuruError(error, "PLATFORM_UNREACHABLE") ? "runtime" : "configuration",
  };
}

/** What `guru start` would serve with these settings and secrets. */
function frontsCheck(config: GuruConfig, secrets: Secrets, interactive: boolean): DoctorCheck {
  const name = "fronts";
  if (secrets.slackBotToken && !slackConfigured({ config, secrets })) {
    return {
      name,
      ok: false,
      detail:
        "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP)",
      fix: "add the app-level token (xapp-) for Socket Mode, or the signing secret for HTTP mode",
      outcome: "configuration",
    };
  }
  const fronts: string[] = [];
  try {
    if (slackConfigured({ config, secrets })) fronts.push(slackFront(config, secrets));
  } catch (error) {
    if (!(error instanceof GuruError)) throw error;
    return { name, ok: false, detail: `${error.label}: ${error.message}`, outcome: "configuration" };
  }
  if (secrets.discordToken) fronts.push("Discord (gateway)");
  const { httpHost, httpPort } = config.mcp;
  if (httpPort !== null) fronts.push(`MCP over HTTP on ${httpHost}:${httpPort}`);
  if (fronts.length > 0) {
    return { name, ok: true, detail: `guru start would run ${fronts.join(", ")}`, outcome: "configuration" };
  }
  return {
    name,
    ok: true,
    outcome: "configuration",
    detail: interactive
      ? "none configured: guru start would open the terminal chat (add Slack, Discord or MCP to serve others)"
      : "none configured: guru start would have nothing to serve (add Slack, Discord or MCP)",
  };
}

function slackFront(config: GuruConfig, secrets: Secrets): string {
  if (slackMode(config.slack, secrets) === "socket") return "Slack (Socket Mode)";
  return `Slack (HTTP, events at ${config.slack.http.host}:${config.slack.http.port}${slackEventsPath})`;
}
