import type { App } from "@slack/bolt";
import { registerAppHome } from "./appHome.js";
import { assistantPane } from "./assistantPane.js";
import type { MessageHandler } from "./messageHandler.js";
import type { SlackRuntime } from "./slackRuntime.js";

/** Slack's places for an AI app beyond messages: the assistant pane and the App Home tab. */
export function registerAssistantSurfaces(
  app: App,
  runtime: SlackRuntime,
  messages: MessageHandler,
  track: (work: Promise<void>) => void,
): void {
  // Middleware: the pane's threads (DM thread messages) go to it and not to the `message` listener.
  app.assistant(assistantPane(runtime, messages, track));
  registerAppHome(app, runtime, track);
}
