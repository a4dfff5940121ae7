import { OAuth2Scopes, PermissionFlagsBits, REST, Routes } from "discord.js";
import type { DiscordConfig } from "../../config/configSchema.js";
import { GuruError } from "../../errors.js";
import { type DiscordApplication, fetchApplication } from "./discordApplication.js";
import { messageCommands } from "./messageCommand.js";
import { slashCommands } from "./slashCommands.js";

export interface RegisterDiscordCommandsOptions {
  /** DISCORD_TOKEN. */
  readonly token: string;
  /** `apiUrl`, `guildIds` and, when set, `clientId` (checked against the token's application). */
  readonly discord: Pick<DiscordConfig, "apiUrl" | "clientId" | "guildIds">;
}

export interface DiscordCommandRegistration {
  readonly applicationId: string;
  /** The guilds the commands went to (there at once); empty: globally (may take up to an hour). */
  readonly guildIds: readonly string[];
  /** The slash commands' names. */
  readonly commands: readonly string[];
  /** The message commands' names (in a message's Apps menu). */
  readonly messageCommands: readonly string[];
  /** Opens Discord's "add to server" page with the scopes and permissions Guru needs. */
  readonly inviteUrl: string;
}

/** What Guru does in a channel: read it, answer (also in threads, opening them), embed analyses. */
export const botPermissions =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(" "),
    permissions: botPermissions.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/**
 * Puts Guru's slash commands in place (replacing the previous set): in each configured guild,
 * where they appear at once — clearing the global set, so no command shows twice — or globally
 * when no guild is configured. For `guru discord register`; `guru start` does the same when
 * `registerCommandsAtStart` is on.
 */
export async function registerDiscordCommands(
  options: RegisterDiscordCommandsOptions,
): Promise<DiscordCommandRegistration> {
  const { discord } = options;
  const rest = new REST({ api: discord.apiUrl }).setToken(options.token);
  const application = await fetchApplication(rest, discord.apiUrl);
  checkClientId(discord.clientId, application);
  return putCommands(rest, application.id, discord.guildIds);
}

export async function putCommands(
  rest: REST,
  applicationId: string,
  guildIds: readonly string[],
): Promise<DiscordCommandRegistration> {
  const slash = slashCommands();
  const onMessages = messageCommands();
  const body = [...slash, ...onMessages];
  for (const guildId of guildIds) {
    await rest.put(Routes.applicationGuildCommands(applicationId, guildId), { body });
  }
  await rest.put(Routes.applicationCommands(applicationId), { body: guildIds.length === 0 ? body : [] });
  return {
    applicationId,
    guildIds: [...guildIds],
    commands: slash.map((command) => command.name),
    messageCommands: onMessages.map((command) => command.name),
    inviteUrl: inviteUrl(applicationId),
  };
}

/** DISCORD_CLIENT_ID is optional; when set it must name the token's own application. */
export function checkClientId(clientId: string | undefined, application: DiscordApplication): void {
  if (clientId !== undefined && clientId !== application.id) {
    throw new GuruError(
      "CONFIG_INVALID",
      `DISCORD_CLIENT_ID is ${clientId} but DISCORD_TOKEN belongs to application ${application.id}; fix one of them.`,
    );
  }
}

/** The lines `guru discord register` prints. */
export function describeRegistration(registration: DiscordCommandRegistration): string {
  const where =
    registration.guildIds.length === 0
      ? "globally (Discord can take up to an hour to show them everywhere)"
      : `to ${registration.guildIds.length === 1 ? "guild" : "guilds"} ${registration.guildIds.join(", ")} (available now)`;
  const onMessages = registration.messageCommands.map((name) => `"${name}"`).join(", ");
  return [
    `Registered /${registration.commands.join(", /")} and the message command ${onMessages} ${where}.`,
    `Invite Guru to a server: ${registration.inviteUrl}`,
  ].join("\n");
}
