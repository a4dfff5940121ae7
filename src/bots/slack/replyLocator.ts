import { z } from "zod";
import { parseJsonText } from "../common/jsonText.js";
import type { ReplyPlace } from "./replyView.js";

/**
 * Where a Slack reply shows: its channel and thread, the marker its placeholder is posted with
 * (found by it if the process died before noting the ts), and once noted, the placeholder's ts.
 */
const slackReplyLocatorSchema = z.object({
  channel: z.string().min(1),
  threadTs: z.string().min(1).optional(),
  marker: z.string().min(1).optional(),
  ts: z.string().min(1).optional(),
});

export type SlackReplyLocator = z.infer<typeof slackReplyLocatorSchema>;

export function writeReplyLocator(place: ReplyPlace, shown: { marker?: string; ts?: string }): string {
  return JSON.stringify({ ...place, ...shown } satisfies SlackReplyLocator);
}

/** Null for a locator this version cannot read. */
export function readReplyLocator(locator: string): SlackReplyLocator | null {
  return parseJsonText(slackReplyLocatorSchema, locator);
}
