import { z } from "zod";

/**
 * The parts of Slack's payloads Guru reads, parsed at the boundary: anything else Slack sends is
 * ignored, and a payload without these fields is not a message Guru answers.
 */
/** A file shared in a message; `url_private` needs the bot token (and the `files:read` scope). */
export const slackFileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(256).optional(),
  title: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
  /** "tombstone": deleted; "hidden_by_limit": beyond a free workspace's history. */
  mode: z.string().optional(),
});

export type SlackFile = z.infer<typeof slackFileSchema>;

const messageEventSchema = z.object({
  type: z.enum(["message", "app_mention"]),
  subtype: z.string().optional(),
  hidden: z.boolean().optional(),
  channel: z.string().min(1),
  /** `im` for a DM; absent on `app_mention`. */
  channel_type: z.string().optional(),
  user: z.string().min(1).optional(),
  bot_id: z.string().min(1).optional(),
  text: z.string().default(""),
  ts: z.string().min(1),
  thread_ts: z.string().min(1).optional(),
  files: z.array(slackFileSchema).default([]),
});

/** A message as `conversations.replies` returns it. */
export const threadMessageSchema = z.object({
  ts: z.string().min(1),
  subtype: z.string().optional(),
  user: z.string().min(1).optional(),
  bot_id: z.string().min(1).optional(),
  username: z.string().optional(),
  bot_profile: z.object({ name: z.string().optional() }).optional(),
  user_profile: z
    .object({ display_name: z.string().optional(), real_name: z.string().optional() })
    .optional(),
  text: z.string().default(""),
  files: z.array(slackFileSchema).default([]),
});

export type ThreadMessage = z.infer<typeof threadMessageSchema>;

export const eventCallbackSchema = z.object({
  team_id: z.string().min(1),
  event: messageEventSchema,
});

export type MessageEvent = z.infer<typeof messageEventSchema>;

export const slashCommandSchema = z.object({
  text: z.string().default(""),
  team_id: z.string().min(1),
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  /** Unique per invocation; Slack does not redeliver slash commands. */
  trigger_id: z.string().min(1),
});

export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;
