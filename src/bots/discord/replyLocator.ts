import { z } from "zod";
import { parseJsonText } from "../common/jsonText.js";

/** Discord's interaction tokens work this long after the interaction was created. */
export const interactionTokenLifetimeMs = 15 * 60 * 1000;

/**
 * Where a Discord reply shows: a message in a channel or thread (once posted), or a slash
 * command's deferred response, reached through the interaction's webhook token while it lives.
 */
const discordReplyLocatorSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("message"),
    channelId: z.string().min(1),
    messageId: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal("interaction"),
    channelId: z.string().min(1),
    applicationId: z.string().min(1),
    token: z.string().min(1),
    /** Epoch ms after which the token no longer works. */
    expiresAt: z.number().int(),
  }),
]);

export type DiscordReplyLocator = z.infer<typeof discordReplyLocatorSchema>;

export function writeReplyLocator(locator: DiscordReplyLocator): string {
  return JSON.stringify(locator);
}

/** Null for a locator this version cannot read. */
export function readReplyLocator(locator: string): DiscordReplyLocator | null {
  return parseJsonText(discordReplyLocatorSchema, locator);
}
