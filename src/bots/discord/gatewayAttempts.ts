import { type Client, Events, REST, Routes } from "discord.js";
import { z } from "zod";
import type { GuruError } from "../../errors.js";
import { platformUnreachable } from "../common/platformUnreachable.js";
import { discordEndpoint } from "./discordApplication.js";

/** Connections to the gateway that may fail in a row before Guru has ever been ready. */
export const gatewayStartAttempts = 5;

const gatewayBotSchema = z.object({ url: z.string() });

export interface GatewayWatch {
  /** Rejects with `GURU_PLATFORM_UNREACHABLE` once the attempts have failed; never resolves. */
  readonly failed: Promise<never>;
  /** Stops watching (the client is ready, or gave up some other way). */
  dispose(): void;
}

/**
 * discord.js reconnects to the gateway for ever, which at start would leave `guru start` waiting
 * in silence when the gateway cannot be reached. Before the first READY, `attempts` failed
 * connections in a row end the start instead, naming the gateway's URL (asked of the REST API,
 * which did answer).
 */
export function watchGatewayStart(client: Client, apiUrl: string, token: string): GatewayWatch {
  let failures = 0;
  let fail: (error: GuruError) => void = () => {};
  const failed = new Promise<never>((_resolve, reject) => {
    fail = reject;
  });
  // The caller races it; nobody may be listening once the start went another way.
  failed.catch(() => {});
  const onReconnecting = () => {
    failures += 1;
    if (failures < gatewayStartAttempts) return;
    dispose();
    void gatewayUrl(apiUrl, token).then((url) =>
      fail(
        platformUnreachable(
          {
            ...discordEndpoint(apiUrl),
            platform: "the Discord gateway",
            url,
            urlAdvice:
              "Discord's REST API gave this address and answered; the gateway needs outgoing WebSocket connections (wss, port 443) to it.",
          },
          `${failures} connections failed in a row`,
        ),
      ),
    );
  };
  const dispose = () => client.off(Events.ShardReconnecting, onReconnecting);
  client.on(Events.ShardReconnecting, onReconnecting);
  return { failed, dispose };
}

async function gatewayUrl(apiUrl: string, token: string): Promise<string> {
  try {
    const answer = gatewayBotSchema.parse(
      await new REST({ api: apiUrl }).setToken(token).get(Routes.gatewayBot()),
    );
    return answer.url;
  } catch {
    return `the address ${apiUrl} gives`;
  }
}
