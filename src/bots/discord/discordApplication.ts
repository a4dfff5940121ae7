import { ApplicationFlags, DiscordAPIError, HTTPError, type REST, Routes } from "discord.js";
import { z } from "zod";
import { defaultDiscordApiUrl } from "../../config/configSchema.js";
import { GuruError } from "../../errors.js";
import { failureReason, type PlatformEndpoint, platformUnreachable } from "../common/platformUnreachable.js";

/** The part of `GET /applications/@me` Guru reads. */
const applicationSchema = z.object({
  id: z.string().regex(/^\d+$/),
  name: z.string(),
  flags: z.int().min(0).default(0),
});

export interface DiscordApplication {
  readonly id: string;
  readonly name: string;
  /**
   * Whether the Message Content privileged intent is switched on in the Developer Portal. Asking
   * the gateway for it otherwise closes the connection (4014), so Guru asks only when it is on.
   */
  readonly messageContent: boolean;
}

const messageContentFlags =
  ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;

/**
 * Who the token belongs to; a coded error that says what to fix when Discord says no
 * (`GURU_CONFIG_INVALID`) or does not answer as Discord (`GURU_PLATFORM_UNREACHABLE`).
 */
export async function fetchApplication(rest: REST, apiUrl: string): Promise<DiscordApplication> {
  let body: unknown;
  try {
    body = await rest.get(Routes.currentApplication());
  } catch (cause) {
    if (cause instanceof DiscordAPIError && cause.status === 401) {
      throw new GuruError(
        "CONFIG_INVALID",
        "Discord rejected DISCORD_TOKEN. Copy the bot token again (Developer Portal → your app → Bot → Reset Token).",
        { cause },
      );
    }
    const answered =
      cause instanceof DiscordAPIError || cause instanceof HTTPError
        ? `Discord answered HTTP ${cause.status}`
        : null;
    throw platformUnreachable(discordEndpoint(apiUrl), answered ?? failureReason(cause), cause);
  }
  const app = applicationSchema.parse(body);
  return { id: app.id, name: app.name, messageContent: (app.flags & messageContentFlags) !== 0 };
}

export function discordEndpoint(apiUrl: string): PlatformEndpoint {
  return {
    platform: "Discord",
    url: apiUrl,
    urlVariable: "DISCORD_API_URL",
    overridden: apiUrl !== defaultDiscordApiUrl,
  };
}
