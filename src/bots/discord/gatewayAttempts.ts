import { type Client, Events, REST, Routes } from "discord.js";
import { z } from "zod";
import { platformUnreachable } from "../common/platformUnreachable.js";
import { failAfterAttempts, type StartWatch } from "../common/startAttempts.js";
import { discordEndpoint } from "./discordApplication.js";

/** Connections to the gateway that may fail in a row before Guru has ever been ready. */
const gatewayStartAttempts = 5;

const gatewayBotSchema = z.object({ url: z.string() });

/**
 * discord.js reconnects to the gateway for ever (even once destroyed). Before the first READY,
 * failed connections in a row end the start with `GURU_PLATFORM_UNREACHABLE`, naming the
 * gateway's URL (asked of the REST API, which did answer).
 */
export function watchGatewayStart(client: Client, apiUrl: string, token: string): StartWatch {
  return failAfterAttempts(
    gatewayStartAttempts,
    (onFailure) => {
      client.on(Events.ShardReconnecting, onFailure);
      return () => client.off(Events.ShardReconnecting, onFailure);
    },
    async (failures) =>
      platformUnreachable(
        {
          ...discordEndpoint(apiUrl),
          platform: "the Discord gateway",
          url: await gatewayUrl(apiUrl, token),
          urlAdvice:
            "Discord's REST API gave this address and answered; the gateway needs outgoing WebSocket connections (wss, port 443) to it.",
        },
        `${failures} connections failed in a row`,
      ),
  );
}

async function gatewayUrl(apiUrl: string, token: string): Promise<string> {
  try {
    return gatewayBotSchema.parse(await new REST({ api: apiUrl }).setToken(token).get(Routes.gatewayBot()))
      .url;
  } catch {
    return `the address ${apiUrl} gives`;
  }
}
