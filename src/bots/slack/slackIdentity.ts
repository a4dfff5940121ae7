import { defaultSlackApiUrl } from "../../config/configSchema.js";
import { GuruError } from "../../errors.js";
import { failureReason, type PlatformEndpoint, platformUnreachable } from "../common/platformUnreachable.js";
import { type BotIdentity, SlackCallError, type SlackWebApi } from "./slackWebApi.js";

/** Slack's answers to `auth.test` that mean the token itself is wrong. */
const refusedTokenCodes = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
]);

/**
 * Who SLACK_BOT_TOKEN belongs to (`auth.test`), for `guru start` and `guru doctor`. A refused
 * token is `GURU_CONFIG_INVALID`; Slack not answering at all, or not as Slack would, is
 * `GURU_PLATFORM_UNREACHABLE` naming the URL.
 */
export async function identifySlackBot(api: SlackWebApi, apiUrl: string): Promise<BotIdentity> {
  try {
    return await api.whoAmI();
  } catch (cause) {
    const code = cause instanceof SlackCallError ? cause.code : "unexpected_error";
    if (refusedTokenCodes.has(code)) {
      throw new GuruError(
        "CONFIG_INVALID",
        `Slack refused SLACK_BOT_TOKEN (${code}): use the xoxb- token from the app's OAuth & Permissions page.`,
        { cause },
      );
    }
    const reason = code === "request_failed" ? failureReason(cause) : `Slack answered ${code}`;
    throw platformUnreachable(slackEndpoint(apiUrl), reason, cause);
  }
}

export function slackEndpoint(apiUrl: string): PlatformEndpoint {
  return {
    platform: "Slack",
    url: apiUrl,
    urlVariable: "SLACK_API_URL",
    overridden: apiUrl !== defaultSlackApiUrl,
  };
}
