import {
  type APIChannel,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIUser,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  PermissionFlagsBits,
} from "discord.js";
import { member } from "./payloads.js";

export interface ButtonPressPayload {
  readonly id: string;
  readonly applicationId: string;
  readonly token: string;
  /** The message the button is on, as Discord shows it now. */
  readonly message: APIMessage;
  /** The channel (or thread, or DM) the message is in. */
  readonly channel: APIChannel;
  readonly customId: string;
  readonly caller: APIUser;
  /** In a guild: the member's roles and permissions; null in a DM. */
  readonly member: {
    readonly guildId: string;
    readonly roles: readonly string[];
    readonly permissions: bigint;
  } | null;
}

/**
 * A MESSAGE_COMPONENT interaction (type 3) for a button press, as the gateway delivers it: the
 * message it is on, `data.custom_id`, and who pressed it (`member` in a guild, `user` in a DM).
 */
export function buttonPress(options: ButtonPressPayload): APIMessageComponentButtonInteraction {
  const base = {
    id: options.id,
    application_id: options.applicationId,
    type: InteractionType.MessageComponent as const,
    token: options.token,
    version: 1 as const,
    data: { custom_id: options.customId, component_type: ComponentType.Button as const },
    message: options.message,
    channel: options.channel,
    channel_id: options.message.channel_id,
    app_permissions: (PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks).toString(),
    locale: Locale.EnglishUS,
    entitlements: [],
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (options.member === null) {
    return {
      ...base,
      user: options.caller,
      authorizing_integration_owners: { "0": "0" },
      context: InteractionContextType.BotDM,
    } as APIMessageComponentButtonInteraction;
  }
  return {
    ...base,
    guild_id: options.member.guildId,
    guild: { id: options.member.guildId, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    member: {
      ...member(options.caller, options.member.roles),
      permissions: options.member.permissions.toString(),
    },
    authorizing_integration_owners: { "0": options.member.guildId },
    context: InteractionContextType.Guild,
  } as APIMessageComponentButtonInteraction;
}
