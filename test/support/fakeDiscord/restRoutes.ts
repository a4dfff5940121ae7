import {
  type APIMessage,
  type APIThreadChannel,
  ChannelType,
  InteractionResponseType,
  MessageFlags,
  MessageType,
} from "discord.js";
import { z } from "zod";
import type { DiscordWorld, InteractionState, StoredMessage } from "./discordWorld.js";
import {
  interactionCallbackSchema,
  type MessageBody,
  messageBodySchema,
  refusalOf,
  threadBodySchema,
} from "./messageRules.js";
import { message, thread } from "./payloads.js";

const snowflake = z.string().regex(/^\d+$/).transform(BigInt);

/** `GET /channels/{id}/messages`: Discord refuses a limit outside 1–100. */
const messageListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: snowflake.optional(),
  after: snowflake.optional(),
});

export interface RestRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly files: readonly { readonly name: string; readonly data: Buffer }[];
}

export interface RestResponse {
  readonly status: number;
  readonly body?: unknown;
}

export interface RestRoute {
  readonly method: string;
  /** Matched against the decoded route; named groups become params. */
  readonly pattern: RegExp;
  /** Bot routes need `Authorization: Bot <token>`; interaction routes are authorised by their token. */
  readonly botAuth: boolean;
  handle(request: RestRequest): RestResponse;
}

/** What other clients of the gateway would see happen. */
export interface WorldEvents {
  messageCreated(stored: StoredMessage): void;
  messageUpdated(stored: StoredMessage): void;
  threadCreated(created: APIThreadChannel): void;
}

/** Discord's error body: `{ code, message }`. */
export function discordError(status: number, code: number, text: string): RestResponse {
  return { status, body: { code, message: text } };
}

const unknownMessage = discordError(404, 10008, "Unknown Message");
const unknownInteraction = discordError(404, 10062, "Unknown interaction");
const unknownChannel = discordError(404, 10003, "Unknown Channel");
/** Discord's limits: acknowledge within 3 s; the interaction token then works for 15 minutes. */
const acknowledgeWithinMs = 3000;
const tokenLifetimeMs = 15 * 60 * 1000;

export function restRoutes(world: DiscordWorld, events: WorldEvents, gatewayUrl: () => string): RestRoute[] {
  const route = (
    method: string,
    pattern: RegExp,
    botAuth: boolean,
    handle: RestRoute["handle"],
  ): RestRoute => ({
    method,
    pattern,
    botAuth,
    handle,
  });

  function createMessage(
    channelId: string,
    body: MessageBody,
    files: RestRequest["files"],
    extra: Partial<APIMessage>,
  ) {
    const place = world.channel(channelId);
    if (!place) return null;
    const created: APIMessage = {
      ...message({ id: world.ids.next(), channelId, author: world.bot, content: body.content ?? "" }),
      embeds: body.embeds ?? [],
      ...(body.components === undefined
        ? {}
        : { components: body.components as unknown as APIMessage["components"] }),
      attachments: files.map((file) => world.upload(channelId, file)),
      flags: body.flags ?? 0,
      ...extra,
    };
    const stored = world.store(created, place.guildId);
    if (!stored.ephemeral) events.messageCreated(stored);
    return stored;
  }

  function editMessage(stored: StoredMessage, body: MessageBody): RestResponse {
    const edited: APIMessage = {
      ...stored.message,
      ...(body.content === undefined ? {} : { content: body.content }),
      ...(body.embeds === undefined ? {} : { embeds: body.embeds }),
      ...(body.components === undefined
        ? {}
        : { components: body.components as unknown as APIMessage["components"] }),
      // An edit ends the "is thinking…" state of a deferred reply.
      flags: (stored.message.flags ?? 0) & ~MessageFlags.Loading,
      edited_timestamp: new Date().toISOString(),
    };
    if (!edited.content && edited.embeds.length === 0 && edited.attachments.length === 0) {
      return discordError(400, 50006, "Cannot send an empty message");
    }
    stored.message = edited;
    if (!stored.ephemeral) events.messageUpdated(stored);
    return { status: 200, body: edited };
  }

  /**
   * A button press answered by updating the message it is on: 6 acknowledges (the message is
   * edited later through the webhook, `@original` being that message), 7 edits it at once. Null for
   * the callbacks every interaction takes (4, 5).
   */
  function componentCallback(
    interaction: InteractionState,
    type: number,
    data: MessageBody,
  ): RestResponse | null {
    const messageId = interaction.componentMessageId ?? "";
    if (
      type !== InteractionResponseType.DeferredMessageUpdate &&
      type !== InteractionResponseType.UpdateMessage
    )
      return null;
    const stored = world.messages.get(messageId);
    if (!stored || stored.deleted) return unknownMessage;
    if (type === InteractionResponseType.UpdateMessage) {
      const refusal = refusalOf(data, { creating: false, files: 0 });
      if (refusal) return discordError(400, refusal.code, refusal.message);
      const edited = editMessage(stored, data);
      if (edited.status !== 200) return edited;
    }
    interaction.acknowledged = true;
    interaction.originalMessageId = messageId;
    interaction.messageIds.push(messageId);
    return { status: 204 };
  }

  /** The interaction behind a webhook token, while the token lives. */
  function interactionFor(applicationId: string, token: string): InteractionState | null {
    if (applicationId !== world.applicationId) return null;
    const found = [...world.interactions.values()].find((i) => i.token === token);
    return found && performance.now() - found.dispatchedAt < tokenLifetimeMs ? found : null;
  }

  function webhookMessage(interaction: InteractionState, id: string): StoredMessage | null {
    const messageId = id === "@original" ? interaction.originalMessageId : id;
    if (messageId === null || !interaction.messageIds.includes(messageId)) return null;
    const stored = world.messages.get(messageId);
    return stored && !stored.deleted ? stored : null;
  }

  return [
    route("GET", /^\/gateway\/bot$/, true, () => ({
      status: 200,
      body: {
        url: gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      },
    })),

    route("GET", /^\/applications\/@me$/, true, () => ({
      status: 200,
      body: {
        id: world.applicationId,
        name: world.bot.username,
        icon: null,
        description: "",
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: "0".repeat(64),
        flags: world.applicationFlags,
        bot: world.bot,
      },
    })),

    route("PUT", /^\/applications\/(?<app>\d+)\/(?:guilds\/(?<guild>\d+)\/)?commands$/, true, (request) => {
      const { app, guild } = request.params;
      if (app !== world.applicationId) return discordError(403, 50001, "Missing Access");
      if (guild !== undefined && guild !== world.guildId) return discordError(403, 50001, "Missing Access");
      if (!Array.isArray(request.body)) return discordError(400, 50035, "Invalid Form Body");
      const commands = request.body.map((command: unknown) => ({
        ...(typeof command === "object" ? command : {}),
        id: world.ids.next(),
        application_id: world.applicationId,
        version: world.ids.next(),
        ...(guild === undefined ? {} : { guild_id: guild }),
      }));
      world.registeredCommands.set(guild ?? "global", commands);
      return { status: 200, body: commands };
    }),

    route("POST", /^\/interactions\/(?<id>\d+)\/(?<token>[^/]+)\/callback$/, false, (request) => {
      const interaction = world.interactions.get(request.params.id ?? "");
      if (!interaction || interaction.token !== request.params.token) return unknownInteraction;
      if (performance.now() - interaction.dispatchedAt > acknowledgeWithinMs) return unknownInteraction;
      if (interaction.acknowledged)
        return discordError(400, 40060, "Interaction has already been acknowledged.");
      const callback = interactionCallbackSchema.safeParse(request.body);
      if (!callback.success) return discordError(400, 50035, "Invalid Form Body");
      const data = callback.data.data ?? {};
      if (interaction.componentMessageId !== undefined) {
        const answered = componentCallback(interaction, callback.data.type, data);
        if (answered) return answered;
      }
      const deferred = callback.data.type === InteractionResponseType.DeferredChannelMessageWithSource;
      if (!deferred && callback.data.type !== InteractionResponseType.ChannelMessageWithSource) {
        return discordError(400, 50035, "Invalid Form Body: unsupported callback type");
      }
      if (!deferred) {
        const refusal = refusalOf(data, { creating: true, files: request.files.length });
        if (refusal) return discordError(400, refusal.code, refusal.message);
      }
      const original = createMessage(
        interaction.channelId,
        { ...data, flags: (data.flags ?? 0) | (deferred ? MessageFlags.Loading : 0) },
        request.files,
        {
          type: MessageType.ChatInputCommand,
          webhook_id: world.applicationId,
          application_id: world.applicationId,
        },
      );
      if (!original) return unknownChannel;
      interaction.acknowledged = true;
      interaction.originalMessageId = original.message.id;
      interaction.messageIds.push(original.message.id);
      return request.query.get("with_response") === "true"
        ? {
            status: 200,
            body: { interaction: { id: interaction.id, type: 2 }, resource: { type: callback.data.type } },
          }
        : { status: 204 };
    }),

    route(
      "PATCH",
      /^\/webhooks\/(?<app>\d+)\/(?<token>[^/]+)\/messages\/(?<message>@original|\d+)$/,
      false,
      (request) => {
        const interaction = interactionFor(request.params.app ?? "", request.params.token ?? "");
        if (!interaction) return discordError(401, 50027, "Invalid Webhook Token");
        const stored = webhookMessage(interaction, request.params.message ?? "");
        if (!stored) return unknownMessage;
        const body = messageBodySchema.safeParse(request.body);
        if (!body.success) return discordError(400, 50035, `Invalid Form Body: ${body.error.message}`);
        const refusal = refusalOf(body.data, { creating: false, files: 0 });
        return refusal ? discordError(400, refusal.code, refusal.message) : editMessage(stored, body.data);
      },
    ),

    route(
      "DELETE",
      /^\/webhooks\/(?<app>\d+)\/(?<token>[^/]+)\/messages\/(?<message>@original|\d+)$/,
      false,
      (request) => {
        const interaction = interactionFor(request.params.app ?? "", request.params.token ?? "");
        if (!interaction) return discordError(401, 50027, "Invalid Webhook Token");
        const stored = webhookMessage(interaction, request.params.message ?? "");
        if (!stored) return unknownMessage;
        stored.deleted = true;
        return { status: 204 };
      },
    ),

    route("POST", /^\/webhooks\/(?<app>\d+)\/(?<token>[^/]+)$/, false, (request) => {
      const interaction = interactionFor(request.params.app ?? "", request.params.token ?? "");
      if (!interaction) return discordError(401, 50027, "Invalid Webhook Token");
      if (!interaction.acknowledged) return unknownInteraction;
      const body = messageBodySchema.safeParse(request.body);
      if (!body.success) return discordError(400, 50035, `Invalid Form Body: ${body.error.message}`);
      const refusal = refusalOf(body.data, { creating: true, files: request.files.length });
      if (refusal) return discordError(400, refusal.code, refusal.message);
      const followUp = createMessage(interaction.channelId, body.data, request.files, {
        webhook_id: world.applicationId,
        application_id: world.applicationId,
      });
      if (!followUp) return unknownChannel;
      interaction.messageIds.push(followUp.message.id);
      return request.query.get("wait") === "true" ? { status: 200, body: followUp.message } : { status: 204 };
    }),

    route("POST", /^\/channels\/(?<channel>\d+)\/messages$/, true, (request) => {
      const body = messageBodySchema.safeParse(request.body);
      if (!body.success) return discordError(400, 50035, `Invalid Form Body: ${body.error.message}`);
      const refusal = refusalOf(body.data, { creating: true, files: request.files.length });
      if (refusal) return discordError(400, refusal.code, refusal.message);
      const channelId = request.params.channel ?? "";
      const reference = body.data.message_reference;
      let extra: Partial<APIMessage> = {};
      if (reference) {
        const referenced = world.messages.get(reference.message_id);
        if (!referenced || referenced.deleted || referenced.message.channel_id !== channelId) {
          return discordError(400, 50035, "Invalid Form Body: Unknown message");
        }
        extra = {
          type: MessageType.Reply,
          message_reference: { message_id: reference.message_id, channel_id: channelId },
          referenced_message: referenced.message,
        };
      }
      const created = createMessage(channelId, body.data, request.files, extra);
      return created ? { status: 200, body: created.message } : unknownChannel;
    }),

    route("GET", /^\/channels\/(?<channel>\d+)\/messages\/(?<message>\d+)$/, true, (request) => {
      if (!world.channel(request.params.channel ?? "")) return unknownChannel;
      const stored = world.messages.get(request.params.message ?? "");
      if (
        !stored ||
        stored.deleted ||
        stored.ephemeral ||
        stored.message.channel_id !== request.params.channel
      )
        return unknownMessage;
      return { status: 200, body: world.withReference(stored) };
    }),

    // Newest first, like Discord, whichever of `before` / `after` pages.
    route("GET", /^\/channels\/(?<channel>\d+)\/messages$/, true, (request) => {
      const channelId = request.params.channel ?? "";
      if (!world.channel(channelId)) return unknownChannel;
      const query = messageListQuerySchema.safeParse(Object.fromEntries(request.query));
      if (!query.success) return discordError(400, 50035, `Invalid Form Body: ${query.error.message}`);
      const { limit, before, after } = query.data;
      const listed = world
        .visibleIn(channelId)
        .filter((m) => !m.ephemeral)
        .filter((m) => before === undefined || BigInt(m.message.id) < before)
        .filter((m) => after === undefined || BigInt(m.message.id) > after)
        .sort((a, b) => (BigInt(a.message.id) < BigInt(b.message.id) ? -1 : 1));
      const page = after === undefined ? listed.slice(-limit) : listed.slice(0, limit);
      return { status: 200, body: page.reverse().map((m) => world.withReference(m)) };
    }),

    route("PATCH", /^\/channels\/(?<channel>\d+)\/messages\/(?<message>\d+)$/, true, (request) => {
      const stored = world.messages.get(request.params.message ?? "");
      if (!stored || stored.deleted || stored.message.channel_id !== request.params.channel)
        return unknownMessage;
      if (stored.message.author.id !== world.bot.id) {
        return discordError(403, 50005, "Cannot edit a message authored by another user");
      }
      const body = messageBodySchema.safeParse(request.body);
      if (!body.success) return discordError(400, 50035, `Invalid Form Body: ${body.error.message}`);
      const refusal = refusalOf(body.data, { creating: false, files: 0 });
      return refusal ? discordError(400, refusal.code, refusal.message) : editMessage(stored, body.data);
    }),

    route("DELETE", /^\/channels\/(?<channel>\d+)\/messages\/(?<message>\d+)$/, true, (request) => {
      const stored = world.messages.get(request.params.message ?? "");
      if (!stored || stored.deleted || stored.message.channel_id !== request.params.channel)
        return unknownMessage;
      stored.deleted = true;
      return { status: 204 };
    }),

    route("POST", /^\/channels\/(?<channel>\d+)\/typing$/, true, (request) =>
      world.channel(request.params.channel ?? "") ? { status: 204 } : unknownChannel,
    ),

    route("POST", /^\/channels\/(?<channel>\d+)\/messages\/(?<message>\d+)\/threads$/, true, (request) => {
      const parent = world.channel(request.params.channel ?? "");
      if (!parent || parent.channel.type !== ChannelType.GuildText) return unknownChannel;
      const starter = world.messages.get(request.params.message ?? "");
      if (!starter || starter.message.channel_id !== parent.channel.id) return unknownMessage;
      if (world.threads.some((t) => t.id === starter.message.id)) {
        return discordError(400, 160004, "A thread has already been created for this message");
      }
      const body = threadBodySchema.safeParse(request.body);
      if (!body.success) return discordError(400, 50035, `Invalid Form Body: ${body.error.message}`);
      // A thread started from a message takes the message's id.
      const created = thread({
        id: starter.message.id,
        guildId: world.guildId,
        parentId: parent.channel.id,
        ownerId: world.bot.id,
        name: body.data.name,
        autoArchiveDuration: body.data.auto_archive_duration ?? 1440,
      });
      world.threads.push(created);
      events.threadCreated(created);
      return { status: 201, body: created };
    }),
  ];
}
