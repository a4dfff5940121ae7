import {
  type APIChannel,
  type APIChatInputApplicationCommandInteraction,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageApplicationCommandInteraction,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  type GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  PermissionFlagsBits,
  type RoleFlags,
} from "discord.js";

/** Payload builders: what Discord sends, field for field, typed by discord-api-types (via discord.js). */

export function user(id: string, username: string, bot = false): APIUser {
  return { id, username, discriminator: "0", global_name: bot ? null : username, avatar: null, bot };
}

export function role(id: string, name: string, options: { position: number; botId?: string }): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: options.position,
    permissions: (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages).toString(),
    managed: options.botId !== undefined,
    mentionable: true,
    flags: 0 as RoleFlags,
    ...(options.botId === undefined ? {} : { tags: { bot_id: options.botId } }),
  };
}

export function member(account: APIUser, roles: readonly string[]): APIGuildMember & { user: APIUser } {
  return {
    user: account,
    nick: null,
    avatar: null,
    banner: null,
    roles: [...roles],
    joined_at: new Date(0).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
  };
}

export function textChannel(id: string, guildId: string, name: string, position: number): APITextChannel {
  return {
    id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name,
    position,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    parent_id: null,
    rate_limit_per_user: 0,
    default_auto_archive_duration: 1440,
  };
}

export function dmChannel(id: string, recipient: APIUser): APIChannel {
  return { id, type: ChannelType.DM, name: null, recipients: [recipient], last_message_id: null };
}

export function thread(options: {
  id: string;
  guildId: string;
  parentId: string;
  ownerId: string;
  name: string;
  autoArchiveDuration: 60 | 1440 | 4320 | 10080;
}): APIThreadChannel {
  return {
    id: options.id,
    type: ChannelType.PublicThread,
    guild_id: options.guildId,
    parent_id: options.parentId,
    owner_id: options.ownerId,
    name: options.name,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: options.autoArchiveDuration,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
  };
}

export interface GuildWorld {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly APIRole[];
  readonly channels: readonly APITextChannel[];
  readonly threads: readonly APIThreadChannel[];
  readonly members: readonly APIGuildMember[];
}

export function ready(options: {
  bot: APIUser;
  applicationId: string;
  applicationFlags: number;
  sessionId: string;
  resumeUrl: string;
  guildIds: readonly string[];
}): GatewayReadyDispatchData {
  return {
    v: 10,
    user: options.bot,
    guilds: options.guildIds.map((id) => ({ id, unavailable: true })),
    session_id: options.sessionId,
    resume_gateway_url: options.resumeUrl,
    shard: [0, 1],
    application: {
      id: options.applicationId,
      flags: options.applicationFlags,
      flags_new: String(options.applicationFlags),
    },
  };
}

export function guildCreate(guild: GuildWorld, ownerId: string): GatewayGuildCreateDispatchData {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ownerId,
    region: "",
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles],
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    voice_states: [],
    members: [...guild.members],
    channels: [...guild.channels],
    threads: [...guild.threads],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function message(options: {
  id: string;
  channelId: string;
  author: APIUser;
  content: string;
  mentions?: readonly APIUser[];
  mentionRoles?: readonly string[];
  type?: MessageType;
}): APIMessage {
  return {
    id: options.id,
    channel_id: options.channelId,
    author: options.author,
    content: options.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [...(options.mentions ?? [])],
    mention_roles: [...(options.mentionRoles ?? [])],
    attachments: [],
    embeds: [],
    pinned: false,
    type: options.type ?? MessageType.Default,
    components: [],
  };
}

/** Who invokes a command, where. */
export interface CommandCaller {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly commandId: string;
  readonly name: string;
  readonly channel: APIChannel;
  readonly caller: APIUser;
  /** In a guild: the member's roles and permissions; null in a DM. */
  readonly member: {
    readonly guildId: string;
    readonly roles: readonly string[];
    readonly permissions: bigint;
  } | null;
}

export interface SlashCommandPayload extends CommandCaller {
  readonly options: Readonly<Record<string, string>>;
  /** The subcommand the options belong to (`/persona set text:…`), if any. */
  readonly subcommand?: string;
}

/**
 * A chat-input interaction as the gateway delivers it. `entitlements` and
 * `authorizing_integration_owners` must be present: discord.js 14.28 reads both unguarded.
 */
export function slashCommand(options: SlashCommandPayload): APIChatInputApplicationCommandInteraction {
  const strings = Object.entries(options.options).map(([name, value]) => ({
    name,
    type: ApplicationCommandOptionType.String as const,
    value,
  }));
  return applicationCommand(options, {
    id: options.commandId,
    name: options.name,
    type: ApplicationCommandType.ChatInput as const,
    options:
      options.subcommand === undefined
        ? strings
        : [
            {
              name: options.subcommand,
              type: ApplicationCommandOptionType.Subcommand as const,
              options: strings,
            },
          ],
  });
}

/**
 * A message context-menu command (`data.type` 3) chosen on `target`: Discord sends the message in
 * `data.resolved.messages`, content included whatever the Message Content intent says.
 */
export function messageCommand(
  options: CommandCaller & { readonly target: APIMessage },
): APIMessageApplicationCommandInteraction {
  return applicationCommand(options, {
    id: options.commandId,
    name: options.name,
    type: ApplicationCommandType.Message as const,
    target_id: options.target.id,
    resolved: { messages: { [options.target.id]: options.target } },
  });
}

/** The interaction around a command's `data`, in a guild or a DM. */
function applicationCommand<Data extends object>(options: CommandCaller, data: Data) {
  const inGuild = options.member !== null;
  const base = {
    id: options.id,
    application_id: options.applicationId,
    type: InteractionType.ApplicationCommand as const,
    token: options.token,
    version: 1 as const,
    data,
    channel: options.channel,
    channel_id: options.channel.id,
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
    };
  }
  const guildMember: APIInteractionGuildMember = {
    ...member(options.caller, options.member.roles),
    permissions: options.member.permissions.toString(),
  };
  return {
    ...base,
    data: { ...data, guild_id: options.member.guildId },
    guild_id: options.member.guildId,
    guild: { id: options.member.guildId, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    member: guildMember,
    authorizing_integration_owners: { "0": options.member.guildId },
    context: inGuild ? InteractionContextType.Guild : InteractionContextType.BotDM,
  };
}
