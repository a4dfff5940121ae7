import { randomUUID } from "node:crypto";
import { type SlackMessage, toApiFile } from "./webApi.js";
import { workspace } from "./workspace.js";

export type ChannelType = "channel" | "group" | "im" | "mpim";

let eventCounter = 0;

/** The Events API's outer `event_callback` body around one event, as Slack delivers it. */
export function eventCallback(event: Record<string, unknown>, options: { eventId?: string } = {}) {
  eventCounter += 1;
  return {
    token: "legacy-verification-token",
    team_id: workspace.teamId,
    context_team_id: workspace.teamId,
    api_app_id: workspace.appId,
    event,
    type: "event_callback",
    event_id: options.eventId ?? `Ev${String(eventCounter).padStart(8, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: workspace.teamId,
        user_id: workspace.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomUUID()}`,
  };
}

export type EventCallback = ReturnType<typeof eventCallback>;

function messageFields(message: SlackMessage) {
  return {
    user: message.user,
    text: message.text,
    ts: message.ts,
    channel: message.channel,
    event_ts: message.ts,
    team: workspace.teamId,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.botId ? { bot_id: message.botId } : { client_msg_id: randomUUID() }),
    ...(message.files ? { files: message.files.map(toApiFile), upload: false } : {}),
  };
}

/** `app_mention`: a message that mentions Guru. */
export function appMention(message: SlackMessage, options: { eventId?: string } = {}): EventCallback {
  return eventCallback({ type: "app_mention", ...messageFields(message) }, options);
}

/** `message.channels` / `message.im` / …: any message in a conversation Guru is in. */
export function messagePosted(
  message: SlackMessage,
  channelType: ChannelType,
  options: { eventId?: string; subtype?: string } = {},
): EventCallback {
  return eventCallback(
    {
      type: "message",
      ...(options.subtype ? { subtype: options.subtype } : {}),
      ...messageFields(message),
      channel_type: channelType,
    },
    options,
  );
}

/** `message` with subtype `message_changed`: someone edited a message. */
export function messageEdited(
  message: SlackMessage,
  newText: string,
  channelType: ChannelType,
): EventCallback {
  const edited = { ...messageFields(message), text: newText, edited: { user: message.user, ts: message.ts } };
  return eventCallback({
    type: "message",
    subtype: "message_changed",
    hidden: true,
    channel: message.channel,
    channel_type: channelType,
    ts: `${Math.floor(Date.now() / 1000)}.000900`,
    event_ts: `${Math.floor(Date.now() / 1000)}.000900`,
    message: edited,
    previous_message: messageFields(message),
  });
}

let triggerCounter = 0;

/** A `/guru` invocation, with every field Slack sends (all strings, as on the wire). */
export function slashCommand(options: { user: string; channel: string; text: string; responseUrl: string }) {
  triggerCounter += 1;
  return {
    token: "legacy-verification-token",
    team_id: workspace.teamId,
    team_domain: "guru-test",
    channel_id: options.channel,
    channel_name: options.channel.startsWith("D") ? "directmessage" : "general",
    user_id: options.user,
    user_name: options.user.toLowerCase(),
    command: "/guru",
    text: options.text,
    api_app_id: workspace.appId,
    is_enterprise_install: "false",
    response_url: `${options.responseUrl}/${triggerCounter}`,
    trigger_id: `${triggerCounter}.${Date.now()}.${randomUUID().replaceAll("-", "")}`,
  };
}

/**
 * A message shortcut chosen on `message` (`message_action`), as Slack sends it: in an `interactive`
 * envelope over Socket Mode, or form-encoded as `payload=` over HTTP.
 */
export function messageShortcut(options: {
  user: string;
  message: SlackMessage;
  callbackId: string;
  responseUrl: string;
}) {
  triggerCounter += 1;
  const { message } = options;
  return {
    type: "message_action",
    token: "legacy-verification-token",
    action_ts: `${Math.floor(Date.now() / 1000)}.${String(900_000 + triggerCounter).padStart(6, "0")}`,
    team: { id: workspace.teamId, domain: "guru-test" },
    user: { id: options.user, username: options.user.toLowerCase(), team_id: workspace.teamId },
    channel: { id: message.channel, name: message.channel.startsWith("D") ? "directmessage" : "general" },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: options.callbackId,
    trigger_id: `${triggerCounter}.${Date.now()}.${randomUUID().replaceAll("-", "")}`,
    response_url: `${options.responseUrl}/${triggerCounter}`,
    message_ts: message.ts,
    message: { type: "message", ...messageFields(message) },
  };
}

export type MessageShortcutPayload = ReturnType<typeof messageShortcut>;

/** `assistant_thread_started`: a person opened a new thread in Guru's assistant pane. */
export function assistantThreadStarted(options: {
  user: string;
  channel: string;
  threadTs: string;
  contextChannel?: string;
}): EventCallback {
  return eventCallback({
    type: "assistant_thread_started",
    assistant_thread: {
      user_id: options.user,
      context: {
        ...(options.contextChannel ? { channel_id: options.contextChannel } : {}),
        team_id: workspace.teamId,
        enterprise_id: null,
      },
      channel_id: options.channel,
      thread_ts: options.threadTs,
    },
    event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
  });
}

/** `assistant_thread_context_changed`: the person moved to another channel with the pane open. */
export function assistantThreadContextChanged(options: {
  user: string;
  channel: string;
  threadTs: string;
  contextChannel: string;
}): EventCallback {
  const started = assistantThreadStarted(options);
  return { ...started, event: { ...started.event, type: "assistant_thread_context_changed" } };
}

/** `app_home_opened`: a person opened Guru's Home (or Messages) tab. */
export function appHomeOpened(user: string, tab: "home" | "messages" = "home"): EventCallback {
  return eventCallback({
    type: "app_home_opened",
    user,
    channel: `D${user.slice(1)}`,
    tab,
    event_ts: `${Math.floor(Date.now() / 1000)}.000200`,
  });
}
