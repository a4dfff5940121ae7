import { z } from "zod";
import type { ReplyPlace } from "./replyView.js";

/** Where a Slack reply shows: its channel and thread, and once posted, the placeholder's ts. */
const slackReplyLocatorSchema = z.object({
  channel: z.string().min(1),
  threadTs: z.string().min(1).optional(),
  ts: z.string().min(1).optional(),
});

export type SlackReplyLocator = z.infer<typeof slackReplyLocatorSchema>;

export function writeReplyLocator(place: ReplyPlace, ts?: string): string {
  return JSON.stringify({ ...place, ...(ts ? { ts } : {}) } satisfies SlackReplyLocator);
}

/** Null for a locator this version cannot read. */
export function readReplyLocator(locator: string): SlackReplyLocator | null {
  try {
    const parsed = slackReplyLocatorSchema.safeParse(JSON.parse(locator));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
