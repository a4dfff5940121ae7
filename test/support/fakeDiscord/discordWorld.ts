import {
  type APIAttachment,
  type APIChannel,
  type APIMessage,
  type APIThreadChannel,
  type APIUser,
  ApplicationFlags,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
} from "discord.js";
import { dmChannel, type GuildWorld, member, role, textChannel, user } from "./payloads.js";
import { Snowflakes } from "./snowflakes.js";

/** A message as the fake keeps it: what the channel shows now. */
export interface StoredMessage {
  message: APIMessage;
  readonly guildId: string | null;
  readonly ephemeral: boolean;
  deleted: boolean;
}

/** A file as someone uploads it. */
export interface FakeFile {
  readonly name: string;
  readonly data: Buffer;
  /** What Discord detected; it leaves it out when it cannot tell. */
  readonly contentType?: string;
}

/** A file the fake's CDN serves. */
interface ServedFile {
  readonly data: Buffer;
  readonly contentType: string | undefined;
}

export interface InteractionState {
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  /** `performance.now()` at dispatch: Discord drops an interaction not acknowledged within 3 s. */
  readonly dispatchedAt: number;
  acknowledged: boolean;
  originalMessageId: string | null;
  readonly messageIds: string[];
  /** A button press: the message the button is on, which callbacks 6 and 7 update. */
  readonly componentMessageId?: string;
}

/** Everything the fake Discord knows: one application, one guild with people in it, their DMs. */
export class DiscordWorld {
  readonly ids = new Snowflakes();
  readonly token = "fake-bot-token.not-a-secret";
  readonly applicationId = this.ids.next();
  readonly bot: APIUser = user(this.applicationId, "Guru", true);
  readonly users = {
    alice: user(this.ids.next(), "alice"),
    bob: user(this.ids.next(), "bob"),
    robot: user(this.ids.next(), "robot", true),
  };
  readonly guildId = this.ids.next();
  readonly roles = {
    everyone: role(this.guildId, "@everyone", { position: 0 }),
    helpers: role(this.ids.next(), "Helpers", { position: 1 }),
    guru: role(this.ids.next(), "Guru", { position: 2, botId: this.bot.id }),
  };
  readonly channels = {
    general: textChannel(this.ids.next(), this.guildId, "general", 0),
    random: textChannel(this.ids.next(), this.guildId, "random", 1),
  };
  readonly threads: APIThreadChannel[] = [];
  readonly memberRoles: ReadonlyMap<string, readonly string[]> = new Map([
    [this.users.alice.id, [this.roles.helpers.id]],
    [this.users.bob.id, []],
    [this.users.robot.id, []],
    [this.bot.id, [this.roles.guru.id]],
  ]);
  /** Member permissions in the guild: Alice moderates and manages the server, Bob does neither. */
  readonly memberPermissions: ReadonlyMap<string, bigint> = new Map([
    [
      this.users.alice.id,
      PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageGuild,
    ],
    [this.users.bob.id, PermissionFlagsBits.SendMessages],
  ]);
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionState>();
  /** Registered slash commands by where they went: a guild id, or "global". */
  readonly registeredCommands = new Map<string, unknown[]>();
  /** Uploaded files by their CDN path (`/attachments/{channel}/{attachment}/{name}`). */
  private readonly files = new Map<string, ServedFile>();
  private readonly dms = new Map<string, APIChannel>();

  /**
   * @param fileOrigin where attachments are served: Discord's CDN, here the fake itself
   */
  constructor(
    readonly messageContentIntent: boolean,
    private readonly fileOrigin: () => string,
  ) {}

  /**
   * An uploaded file as Discord describes it: `url` on its CDN and `proxy_url` on its media proxy
   * (both the fake's origin here), signed with `ex`/`is`/`hm` query parameters.
   */
  upload(channelId: string, file: FakeFile): APIAttachment {
    const id = this.ids.next();
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.name)}`;
    this.files.set(path, { data: file.data, contentType: file.contentType });
    const expires = Math.floor(Date.now() / 1000) + 86_400;
    const url = `${this.fileOrigin()}${path}?ex=${expires.toString(16)}&is=${(expires - 86_400).toString(16)}&hm=${"0".repeat(64)}&`;
    const image = file.contentType?.startsWith("image/") ?? false;
    return {
      id,
      filename: file.name,
      size: file.data.length,
      url,
      proxy_url: url,
      ...(file.contentType === undefined ? {} : { content_type: file.contentType }),
      ...(image ? { width: 1, height: 1 } : {}),
    };
  }

  /** The bytes behind a CDN path, or null (Discord answers 404). */
  served(path: string): ServedFile | null {
    return this.files.get(path) ?? null;
  }

  /**
   * A message as the bot may read it. Without the Message Content intent Discord empties the
   * content, embeds, attachments and components of guild messages that neither come from the bot
   * nor mention it, in REST answers as on the gateway.
   */
  readableBy(stored: StoredMessage): APIMessage {
    const sent = stored.message;
    const open =
      this.messageContentIntent ||
      stored.guildId === null ||
      sent.author.id === this.bot.id ||
      sent.mentions.some((mentioned) => mentioned.id === this.bot.id);
    return open ? sent : { ...sent, content: "", embeds: [], attachments: [], components: [] };
  }

  /** A message with its `referenced_message` one level deep (null when that message is gone), as Discord sends replies. */
  withReference(stored: StoredMessage): APIMessage {
    const sent = this.readableBy(stored);
    const referenceId = sent.message_reference?.message_id;
    if (referenceId === undefined || sent.type !== MessageType.Reply) return sent;
    const referenced = this.messages.get(referenceId);
    if (!referenced || referenced.deleted) return { ...sent, referenced_message: null };
    const { referenced_message: _nested, ...shown } = this.readableBy(referenced);
    return { ...sent, referenced_message: shown };
  }

  /** `flags` of `GET /applications/@me` and READY: the Message Content switch of the Developer Portal. */
  get applicationFlags(): number {
    return this.messageContentIntent ? ApplicationFlags.GatewayMessageContentLimited : 0;
  }

  guild(): GuildWorld {
    const people = [this.bot, this.users.alice, this.users.bob, this.users.robot];
    return {
      id: this.guildId,
      name: "Guru Test Server",
      roles: Object.values(this.roles),
      channels: Object.values(this.channels),
      threads: this.threads,
      members: people.map((person) => member(person, this.memberRoles.get(person.id) ?? [])),
    };
  }

  /** The DM channel between the bot and a user, opened on first use. */
  dmWith(person: APIUser): APIChannel {
    let channel = this.dms.get(person.id);
    if (!channel) {
      channel = dmChannel(this.ids.next(), person);
      this.dms.set(person.id, channel);
    }
    return channel;
  }

  channel(id: string): { readonly channel: APIChannel; readonly guildId: string | null } | null {
    const guildChannel = [...Object.values(this.channels), ...this.threads].find((c) => c.id === id);
    if (guildChannel) return { channel: guildChannel, guildId: this.guildId };
    const dm = [...this.dms.values()].find((c) => c.id === id);
    return dm ? { channel: dm, guildId: null } : null;
  }

  store(message: APIMessage, guildId: string | null): StoredMessage {
    const ephemeral = ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    const stored = { message, guildId, ephemeral, deleted: false };
    this.messages.set(message.id, stored);
    return stored;
  }

  /** What a channel shows now, oldest first (ephemeral messages included, marked). */
  visibleIn(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.message.channel_id === channelId && !m.deleted);
  }
}
