import { randomUUID } from "node:crypto";
import { type SlackMessage, toApiMessage } from "./webApi.js";
import { workspace } from "./workspace.js";

let pressCounter = 0;

/**
 * A `block_actions` payload: `user` pressed the button `actionId` in `message`, as Slack sends it
 * (over Socket Mode in an `interactive` envelope; over HTTP form-encoded as `payload=`). A
 * redelivery carries the same `trigger_id`: pass the first press's `triggerId`.
 */
export function buttonPress(options: {
  readonly user: string;
  readonly message: SlackMessage;
  readonly actionId: string;
  readonly responseUrl: string;
  readonly triggerId?: string;
}) {
  pressCounter += 1;
  const { message } = options;
  const button = (message.blocks ?? [])
    .flatMap((block) => (block as { elements?: unknown[] }).elements ?? [])
    .find((element) => (element as { action_id?: unknown }).action_id === options.actionId) as
    | { value?: string; text?: unknown; style?: string }
    | undefined;
  if (!button) throw new Error(`fake Slack: the message has no button ${options.actionId} to press`);
  return {
    ...blockActionsOf(options.user),
    container: {
      type: "message",
      message_ts: message.ts,
      channel_id: message.channel,
      is_ephemeral: false,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    trigger_id: options.triggerId ?? newTriggerId(),
    channel: { id: message.channel, name: message.channel.startsWith("D") ? "directmessage" : "general" },
    message: toApiMessage(message, false),
    state: { values: {} },
    response_url: `${options.responseUrl}/actions/${pressCounter}`,
    actions: [
      {
        action_id: options.actionId,
        block_id: "guru_controls",
        text: button.text,
        ...(button.value === undefined ? {} : { value: button.value }),
        ...(button.style ? { style: button.style } : {}),
        type: "button",
        action_ts: (Date.now() / 1000).toFixed(6),
      },
    ],
  };
}

export type ButtonPress = ReturnType<typeof buttonPress>;

/** A `block_actions` payload: a person pressed a button on one of Guru's views (the Home tab here). */
export function blockActions(options: { user: string; actionId: string; view?: "home" }) {
  pressCounter += 1;
  return {
    ...blockActionsOf(options.user),
    container: { type: "view", view_id: `V${options.user}` },
    trigger_id: newTriggerId(),
    view: {
      id: `V${options.user}`,
      type: options.view ?? "home",
      team_id: workspace.teamId,
      app_id: workspace.appId,
    },
    actions: [
      {
        action_id: options.actionId,
        block_id: "home_actions",
        text: { type: "plain_text", text: options.actionId, emoji: true },
        type: "button",
        action_ts: `${Math.floor(Date.now() / 1000)}.${String(pressCounter).padStart(6, "0")}`,
      },
    ],
  };
}

/** What every `block_actions` payload carries: who pressed, in which app and workspace. */
function blockActionsOf(user: string) {
  return {
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: workspace.teamId },
    api_app_id: workspace.appId,
    token: "legacy-verification-token",
    team: { id: workspace.teamId, domain: "guru-test" },
    enterprise: null,
    is_enterprise_install: false,
  };
}

function newTriggerId(): string {
  return `${pressCounter}.${Date.now()}.${randomUUID().replaceAll("-", "")}`;
}
