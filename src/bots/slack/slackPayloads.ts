import { z } from "zod";

/**
 * The parts of Slack's payloads Guru reads, parsed at the boundary: anything else Slack sends is
 * ignored, and a payload without these fields is not a message Guru answers.
 */
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
});

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
