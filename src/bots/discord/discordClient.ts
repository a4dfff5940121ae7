import { Client, GatewayIntentBits, Partials } from "discord.js";

/**
 * A discord.js client for Guru. Guild messages for mentions, DMs (whose channels are not cached
 * before their first message, hence the partial channel), and message content only when the
 * application has that privileged intent (mentions and DMs carry their content without it).
 * Model output never pings anyone: no @everyone, roles or users, only the person replied to.
 */
export function createDiscordClient(apiUrl: string, messageContent: boolean): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    partials: [Partials.Channel],
    rest: { api: apiUrl },
    allowedMentions: { parse: [], repliedUser: true },
  });
}
