import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type APIAttachment,
  type APIMessage,
  type APIThreadChannel,
  type APIUser,
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageReferenceType,
  MessageType,
} from "discord.js";
import { buttonPress } from "./componentPress.js";
import { DiscordWorld, type FakeFile, type StoredMessage } from "./discordWorld.js";
import { FakeGateway } from "./fakeGateway.js";
import { readBody } from "./httpBodies.js";
import { type CommandCaller, member, message, messageCommand, slashCommand, thread } from "./payloads.js";
import { type Fault, Faults, type RecordedRequest } from "./restLog.js";
import { discordError, type RestResponse, type RestRoute, restRoutes } from "./restRoutes.js";

export interface FakeDiscordOptions {
  /** The Message Content switch of the Developer Portal (on unless told). */
  readonly messageContentIntent?: boolean;
  readonly heartbeatIntervalMs?: number;
  /** Where `GET /gateway/bot` sends clients: the fake's own gateway unless told (e.g. one that cannot be reached). */
  readonly gatewayUrl?: string;
}

/** A gateway dispatch as sent, to send again (a redelivery after a restart). */
export interface SentDispatch {
  readonly t: GatewayDispatchEvents;
  readonly d: unknown;
  readonly intent: GatewayIntentBits | null;
  /** `performance.now()` when it was sent. */
  readonly at: number;
  /** Its sequence number in the session it went to; null when the session's intents excluded it. */
  readonly seq: number | null;
}

export interface SentInteraction extends SentDispatch {
  readonly id: string;
  readonly token: string;
}

export interface SentMessage extends SentDispatch {
  readonly message: APIMessage;
}

export interface SlashCommandOptions {
  readonly name: string;
  readonly prompt?: string;
  /** A subcommand and its string options (`/persona set text:…`), instead of `prompt`. */
  readonly subcommand?: { readonly name: string; readonly options?: Readonly<Record<string, string>> };
  readonly user?: APIUser;
  /** A guild channel or thread (#general unless told); ignored for a DM. */
  readonly channelId?: string;
  readonly dm?: boolean;
}

export interface MessageCommandOptions {
  /** The message command's name ("Analyze with Guru"). */
  readonly name: string;
  /** The id of the message it was chosen on (any channel of the world). */
  readonly targetId: string;
  /** Who chose it (Alice unless told). */
  readonly user?: APIUser;
}

export interface UserMessageOptions {
  readonly content: string;
  readonly author?: APIUser;
  readonly channelId?: string;
  readonly dm?: boolean;
  /** How the message addresses Guru: its user mention, the role Discord made for it, or not at all. */
  readonly mention?: "user" | "role" | "none";
  /** The id of the message this one replies to (in the same channel). */
  readonly replyTo?: string;
  /** Files uploaded with the message, served from the fake's CDN. */
  readonly files?: readonly FakeFile[];
  /** Attachment objects as given, e.g. one whose URL points elsewhere (a crafted payload). */
  readonly attachments?: readonly APIAttachment[];
}

export interface ThreadOptions {
  readonly name: string;
  /** Who opened it (Alice unless told). */
  readonly owner?: APIUser;
  /** #general unless told. */
  readonly parentId?: string;
}

/**
 * Discord on 127.0.0.1 for the real discord.js client: REST under `/api/v10` and a gateway
 * WebSocket, both over one world of guild, channels, people and messages. Every REST call is
 * recorded, faults can be injected, dispatches replayed.
 */
export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new Faults();
  private readonly routes: RestRoute[];

  private constructor(
    readonly world: DiscordWorld,
    private readonly http: Server,
    readonly gateway: FakeGateway,
    gatewayUrl: string | undefined,
  ) {
    this.routes = restRoutes(
      world,
      {
        messageCreated: (stored) => this.dispatchMessage(GatewayDispatchEvents.MessageCreate, stored),
        messageUpdated: (stored) => this.dispatchMessage(GatewayDispatchEvents.MessageUpdate, stored),
        threadCreated: (thread) =>
          this.gateway.dispatch(
            GatewayDispatchEvents.ThreadCreate,
            { ...thread, newly_created: true },
            GatewayIntentBits.Guilds,
          ),
      },
      () => gatewayUrl ?? gateway.url,
    );
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    let fake: FakeDiscord | null = null;
    const world = new DiscordWorld(options.messageContentIntent ?? true, () => fake?.origin ?? "");
    const http = createServer((request, response) => {
      if (fake) void fake.serve(request, response);
    });
    const gateway = new FakeGateway(world, http, options.heartbeatIntervalMs ?? 41_250);
    fake = new FakeDiscord(world, http, gateway, options.gatewayUrl);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** For `DISCORD_API_URL` (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  /** Scheme, host and port: the API's, and the CDN's that serves attachments. */
  get origin(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  failNext(fault: Fault): void {
    this.faults.add(fault);
  }

  slashCommand(options: SlashCommandOptions): SentInteraction {
    const world = this.world;
    const caller = options.user ?? world.users.alice;
    const channel = options.dm
      ? world.dmWith(caller)
      : world.channel(options.channelId ?? world.channels.general.id)?.channel;
    if (!channel) throw new Error(`no channel ${options.channelId}`);
    return this.dispatchCommand(options.name, caller, channel, options.dm === true, (invoked) =>
      slashCommand({
        ...invoked,
        options:
          options.subcommand?.options ?? (options.prompt === undefined ? {} : { prompt: options.prompt }),
        ...(options.subcommand ? { subcommand: options.subcommand.name } : {}),
      }),
    );
  }

  /** A message context-menu command chosen on a stored message, in that message's channel. */
  messageCommand(options: MessageCommandOptions): SentInteraction {
    const world = this.world;
    const caller = options.user ?? world.users.alice;
    const target = world.messages.get(options.targetId);
    if (!target) throw new Error(`no message ${options.targetId}`);
    const channel = world.channel(target.message.channel_id)?.channel;
    if (!channel) throw new Error(`no channel ${target.message.channel_id}`);
    return this.dispatchCommand(options.name, caller, channel, target.guildId === null, (invoked) =>
      // The target's content comes whatever the Message Content intent says.
      messageCommand({
        ...invoked,
        target: { ...world.withReference(target), content: target.message.content },
      }),
    );
  }

  /** Sends INTERACTION_CREATE for a command `build` makes, and keeps its state for the REST routes. */
  private dispatchCommand(
    name: string,
    caller: APIUser,
    channel: CommandCaller["channel"],
    dm: boolean,
    build: (invoked: CommandCaller) => object,
  ): SentInteraction {
    const world = this.world;
    const id = world.ids.next();
    const token = `interaction-token-${id}`;
    const payload = build({
      id,
      token,
      applicationId: world.applicationId,
      commandId: world.ids.next(),
      name,
      channel,
      caller,
      member: dm
        ? null
        : {
            guildId: world.guildId,
            roles: world.memberRoles.get(caller.id) ?? [],
            permissions: world.memberPermissions.get(caller.id) ?? 0n,
          },
    });
    const at = performance.now();
    world.interactions.set(id, {
      id,
      token,
      channelId: channel.id,
      dispatchedAt: at,
      acknowledged: false,
      originalMessageId: null,
      messageIds: [],
    });
    const sent = { t: GatewayDispatchEvents.InteractionCreate, d: payload, intent: null, at };
    return { ...sent, seq: this.redeliver(sent), id, token };
  }

  /**
   * `user` presses the button `customId` on the bot's message `messageId`: a MESSAGE_COMPONENT
   * interaction. `again` redelivers an earlier press (same interaction id and token).
   */
  pressButton(options: {
    readonly messageId: string;
    readonly customId: string;
    readonly user?: APIUser;
    readonly again?: SentInteraction;
  }): SentInteraction {
    if (options.again) return { ...options.again, seq: this.redeliver(options.again) };
    const world = this.world;
    const caller = options.user ?? world.users.alice;
    const stored = world.messages.get(options.messageId);
    if (!stored || stored.deleted) throw new Error(`no message ${options.messageId}`);
    const channel = world.channel(stored.message.channel_id)?.channel;
    if (!channel) throw new Error(`no channel ${stored.message.channel_id}`);
    const id = world.ids.next();
    const token = `interaction-token-${id}`;
    const payload = buttonPress({
      id,
      token,
      applicationId: world.applicationId,
      message: stored.message,
      channel,
      customId: options.customId,
      caller,
      member:
        stored.guildId === null
          ? null
          : {
              guildId: stored.guildId,
              roles: world.memberRoles.get(caller.id) ?? [],
              permissions: world.memberPermissions.get(caller.id) ?? 0n,
            },
    });
    const at = performance.now();
    world.interactions.set(id, {
      id,
      token,
      channelId: channel.id,
      dispatchedAt: at,
      acknowledged: false,
      originalMessageId: null,
      messageIds: [],
      componentMessageId: stored.message.id,
    });
    const sent = { t: GatewayDispatchEvents.InteractionCreate, d: payload, intent: null, at };
    return { ...sent, seq: this.redeliver(sent), id, token };
  }

  /**
   * A person's message, as the gateway delivers it. In a guild, without the Message Content intent,
   * Discord blanks the content of messages that do not mention the bot.
   */
  userMessage(options: UserMessageOptions): SentMessage {
    const world = this.world;
    const author = options.author ?? world.users.alice;
    const mention = options.dm ? "none" : (options.mention ?? "user");
    const channelId = options.dm ? world.dmWith(author).id : (options.channelId ?? world.channels.general.id);
    const content =
      mention === "user"
        ? `<@${world.bot.id}> ${options.content}`
        : mention === "role"
          ? `<@&${world.roles.guru.id}> ${options.content}`
          : options.content;
    const guildId = options.dm ? null : world.guildId;
    const created: APIMessage = {
      ...message({
        id: world.ids.next(),
        channelId,
        author,
        content,
        mentions: mention === "user" ? [world.bot] : [],
        mentionRoles: mention === "role" ? [world.roles.guru.id] : [],
        ...(options.replyTo === undefined ? {} : { type: MessageType.Reply }),
      }),
      attachments: [
        ...(options.files ?? []).map((file) => world.upload(channelId, file)),
        ...(options.attachments ?? []),
      ],
      ...(options.replyTo === undefined
        ? {}
        : {
            message_reference: {
              type: MessageReferenceType.Default,
              message_id: options.replyTo,
              channel_id: channelId,
              ...(guildId === null ? {} : { guild_id: guildId }),
            },
          }),
    };
    const stored = world.store(created, guildId);
    const sessionIntents = this.gateway.live?.intents ?? 0;
    const readable =
      options.dm || mention !== "none" || (sessionIntents & GatewayIntentBits.MessageContent) !== 0;
    const withReference = { ...stored, message: world.withReference(stored) };
    const delivered = readable
      ? withReference
      : {
          ...stored,
          message: { ...withReference.message, content: "", embeds: [], attachments: [], components: [] },
        };
    const sent = {
      t: GatewayDispatchEvents.MessageCreate,
      d: this.messagePayload(delivered),
      intent: options.dm ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages,
      at: performance.now(),
    };
    return { ...sent, seq: this.redeliver(sent), message: created };
  }

  /** A public thread a person opened in a channel (not from a message), announced with THREAD_CREATE. */
  openThread(options: ThreadOptions): APIThreadChannel {
    const world = this.world;
    const created = thread({
      id: world.ids.next(),
      guildId: world.guildId,
      parentId: options.parentId ?? world.channels.general.id,
      ownerId: (options.owner ?? world.users.alice).id,
      name: options.name,
      autoArchiveDuration: 1440,
    });
    world.threads.push(created);
    this.gateway.dispatch(
      GatewayDispatchEvents.ThreadCreate,
      { ...created, newly_created: true },
      GatewayIntentBits.Guilds,
    );
    return created;
  }

  /** Deletes a message as its author would, announced with MESSAGE_DELETE. */
  deleteMessage(id: string): void {
    const stored = this.world.messages.get(id);
    if (!stored) throw new Error(`no message ${id}`);
    stored.deleted = true;
    const { channel_id } = stored.message;
    const guild = stored.guildId === null ? {} : { guild_id: stored.guildId };
    this.gateway.dispatch(
      GatewayDispatchEvents.MessageDelete,
      { id, channel_id, ...guild },
      stored.guildId === null ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages,
    );
  }

  /** Sends a dispatch (again) in the current session, as Discord may after a reconnect; its sequence number. */
  redeliver(dispatch: Omit<SentDispatch, "seq">): number | null {
    return this.gateway.dispatch(dispatch.t, dispatch.d, dispatch.intent);
  }

  /** What a channel shows now, oldest first. */
  messagesIn(channelId: string): StoredMessage[] {
    return this.world.visibleIn(channelId);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private dispatchMessage(t: GatewayDispatchEvents, stored: StoredMessage): void {
    const intent =
      stored.guildId === null ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages;
    this.gateway.dispatch(t, this.messagePayload(stored), intent);
  }

  /** A message as the gateway sends it: with its guild and member, or marked as a DM (`channel_type` 1). */
  private messagePayload(stored: StoredMessage): object {
    const { message: sent, guildId } = stored;
    if (guildId === null) return { ...sent, channel_type: ChannelType.DM };
    const roles = (id: string) => this.world.memberRoles.get(id) ?? [];
    const { user: _author, ...authorMember } = member(sent.author, roles(sent.author.id));
    return {
      ...sent,
      guild_id: guildId,
      member: authorMember,
      mentions: sent.mentions.map((mentioned) => {
        const { user: _mentioned, ...mentionedMember } = member(mentioned, roles(mentioned.id));
        return { ...mentioned, member: mentionedMember };
      }),
    };
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const route = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ""));
    const { body, files } = await readBody(request);
    const authorized = request.headers.authorization === `Bot ${this.world.token}`;
    const record: RecordedRequest = {
      method,
      rawPath: url.pathname,
      route,
      query: url.searchParams,
      body,
      files,
      authorized,
      at: performance.now(),
      status: 0,
    };
    this.requests.push(record);
    if (method === "GET" && url.pathname.startsWith("/attachments/")) return this.serveFile(record, response);
    const answer = this.answer(record);
    record.status = answer.status;
    // Like Discord, a 204 carries no body and no content type.
    const headers: Record<string, string> =
      answer.body === undefined ? {} : { "content-type": "application/json" };
    if (answer.status === 429) {
      const retryAfter = (answer.body as { retry_after: number }).retry_after;
      Object.assign(headers, { "retry-after": String(retryAfter), "x-ratelimit-scope": "user" });
    }
    response.writeHead(answer.status, headers);
    response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  /** Discord's CDN: the bytes with the type it detected at upload; no token needed (the URL is signed). */
  private serveFile(record: RecordedRequest, response: ServerResponse): void {
    const file = this.world.served(record.rawPath);
    record.status = file ? 200 : 404;
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("This content is no longer available.");
      return;
    }
    response.writeHead(200, {
      "content-type": file.contentType ?? "application/octet-stream",
      "content-length": String(file.data.length),
    });
    response.end(file.data);
  }

  private answer(record: RecordedRequest): RestResponse {
    if (!record.rawPath.startsWith("/api/v10/")) return discordError(404, 0, "404: Not Found");
    const fault = this.faults.take(record.method, record.route);
    if (fault) return faultResponse(fault);
    for (const route of this.routes) {
      if (route.method !== record.method) continue;
      const match = route.pattern.exec(record.route);
      if (!match) continue;
      if (route.botAuth && !record.authorized) return discordError(401, 0, "401: Unauthorized");
      return route.handle({
        params: { ...match.groups },
        query: record.query,
        body: record.body,
        files: record.files,
      });
    }
    return discordError(404, 0, "404: Not Found");
  }
}

/** Discord's words for the error codes tests inject. */
const errorMessages = new Map([
  [10008, "Unknown Message"],
  [50001, "Missing Access"],
  [50013, "Missing Permissions"],
]);

function faultResponse(fault: Fault): RestResponse {
  if (fault.status === 429) {
    return {
      status: 429,
      body: {
        message: "You are being rate limited.",
        retry_after: fault.retryAfterSeconds ?? 0.2,
        global: false,
      },
    };
  }
  const code = fault.code ?? (fault.status === 404 ? 10008 : 0);
  return discordError(fault.status, code, errorMessages.get(code) ?? `${fault.status}: injected fault`);
}
