import type { SocketModeReceiver } from "@slack/bolt";
import { platformUnreachable } from "../common/platformUnreachable.js";
import { failAfterAttempts, type StartWatch } from "../common/startAttempts.js";
import { slackEndpoint } from "./slackIdentity.js";

/** WebSocket connections that may fail in a row (about 5 s apart) before Socket Mode has connected once. */
const socketStartAttempts = 3;

/**
 * The Socket Mode client reconnects for ever. Before it has connected once, failed WebSocket
 * connections in a row end the start with `GURU_PLATFORM_UNREACHABLE`. The socket's URL carries a
 * one-time ticket, so it is named by where it came from rather than printed.
 */
export function watchSocketModeStart(client: SocketModeReceiver["client"], apiUrl: string): StartWatch {
  return failAfterAttempts(
    socketStartAttempts,
    (onFailure) => {
      client.on("error", onFailure);
      return () => client.off("error", onFailure);
    },
    async (failures) =>
      platformUnreachable(
        {
          ...slackEndpoint(apiUrl),
          platform: "Slack's Socket Mode",
          url: "the WebSocket address apps.connections.open gave",
          urlAdvice:
            "Slack's Web API answered; Socket Mode needs outgoing WebSocket connections (wss, port 443) to wss-primary.slack.com and its siblings.",
        },
        `${failures} connections failed in a row`,
      ),
  );
}
