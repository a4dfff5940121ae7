import {
  type Attachment,
  type Collection,
  cleanContent,
  DiscordAPIError,
  type Message,
  MessageReferenceType,
  RESTJSONErrorCodes,
  type TextBasedChannel,
} from "discord.js";
import type { Logger } from "../../log/logger.js";
import type { ContextMessage, ReadDocument, RequestContext } from "../../service/conversationRequest.js";
import { type AttachmentReadOptions, readAttachments } from "../common/attachments/readAttachments.js";

export interface ConversationReadSettings {
  /** Referenced messages followed from a mention that replies to one (0: none). */
  readonly replyChainLength: number;
  /** Recent messages of a thread read when Guru is asked in it (0: none). */
  readonly threadMessages: number;
  /** Whether Discord shows Guru other people's messages (the Message Content intent). */
  readonly messageContent: boolean;
  readonly attachments: Omit<AttachmentReadOptions, "signal">;
}

/** Where Guru was asked, and what it already has of that conversation. */
export interface ReadRequest {
  readonly channel: TextBasedChannel;
  /** The message that asked; null for a slash command. */
  readonly question: Message | null;
  readonly botUserId: string;
  /** The newest message of this conversation already stored: thread messages up to it are not read again. */
  readonly lastSeenMessageId: string | null;
}

/** Discord's own file hosts: attachment URLs point at the CDN, `proxy_url` at the media proxy. */
const discordFileOrigins = ["https://cdn.discordapp.com", "https://media.discordapp.net"];

/** Where attachments may be fetched from: Discord's hosts, and the origin of `DISCORD_API_URL` (a proxy or a local fake). */
export function fileOriginsFor(apiUrl: string): string[] {
  return [...new Set([...discordFileOrigins, new URL(apiUrl).origin])];
}

/**
 * What Guru reads around a question on Discord: the reply chain it answers (each referenced
 * message in turn), the thread it is asked in (its recent messages), and the files attached to all
 * of them. A read that fails becomes a note the answer says once; the question is never lost.
 */
export class ConversationReader {
  constructor(
    private readonly settings: ConversationReadSettings,
    private readonly logger: Logger,
  ) {}

  /** Whether a question here has anything to read (so a slash command defers before reading). */
  readsThread(channel: TextBasedChannel | null): boolean {
    return (channel?.isThread() ?? false) && this.settings.threadMessages > 0;
  }

  /** Whether a message has anything around it to read: a reference, files, or the thread it is in. */
  readsAround(message: Message): boolean {
    return (
      (message.reference !== null && this.settings.replyChainLength > 0) ||
      message.attachments.size > 0 ||
      this.readsThread(message.channel)
    );
  }

  /** Never throws: whatever goes wrong, the question goes on with a note. */
  async read(request: ReadRequest): Promise<RequestContext> {
    try {
      return await this.readAround(request);
    } catch (error) {
      this.logger.error("could not read around a question", { channel: request.channel.id, error });
      return { messages: [], documents: [], notes: ["I couldn't read the messages around your question."] };
    }
  }

  private async readAround(request: ReadRequest): Promise<RequestContext> {
    const notes = new Set<string>();
    const [chain, thread] = await Promise.all([
      request.question ? this.replyChain(request.question, notes) : [],
      this.threadMessages(request, notes),
    ]);
    const byId = new Map([...thread, ...chain].map((message) => [message.id, message]));
    const ordered = [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
    const withheld = ordered.filter((message) => this.withheld(message, request.botUserId));
    if (withheld.length > 0) {
      notes.add(
        "I can't see what others wrote here: Discord's Message Content intent is off for me, so I only read messages that mention me.",
      );
    }
    const readable = ordered.filter((message) => !message.system && !withheld.includes(message));
    const documents = request.question ? await this.documentsOf(request.question, notes) : [];
    // One message's files at a time: a thread full of large files must not all be in memory at once.
    const messages: ContextMessage[] = [];
    for (const message of readable)
      messages.push(await this.contextMessage(message, request.botUserId, notes));
    return {
      messages: messages.filter((message) => message.text !== "" || message.documents.length > 0),
      documents,
      notes: [...notes],
    };
  }

  /** Each referenced message in turn, oldest first, up to the configured length. */
  private async replyChain(question: Message, notes: Set<string>): Promise<Message[]> {
    const chain: Message[] = [];
    let current = question;
    while (chain.length < this.settings.replyChainLength) {
      const reference = current.reference;
      // Replies only: a forward's reference points at another channel's message, which is not this conversation.
      if (
        !reference?.messageId ||
        (reference.type ?? MessageReferenceType.Default) !== MessageReferenceType.Default
      )
        break;
      if (reference.channelId !== question.channelId) break;
      try {
        current = await question.channel.messages.fetch(reference.messageId);
      } catch (error) {
        const what =
          chain.length === 0 ? "the message you replied to" : "an earlier message of the reply chain";
        notes.add(this.failureNote(error, what, question.channelId));
        break;
      }
      chain.push(current);
    }
    return chain.reverse();
  }

  /** A thread's recent messages before the question, newer than what the conversation already has. */
  private async threadMessages(request: ReadRequest, notes: Set<string>): Promise<Message[]> {
    const { channel, question, lastSeenMessageId } = request;
    if (!this.readsThread(channel)) return [];
    let fetched: Collection<string, Message>;
    try {
      fetched = await channel.messages.fetch({
        limit: this.settings.threadMessages,
        ...(question ? { before: question.id } : {}),
      });
    } catch (error) {
      notes.add(this.failureNote(error, "this thread's earlier messages", channel.id));
      return [];
    }
    if (lastSeenMessageId === null) return [...fetched.values()];
    // Guru's own messages in a thread it takes part in are its answers, already in the conversation's memory.
    return [...fetched.values()].filter(
      (message) => compareIds(message.id, lastSeenMessageId) > 0 && message.author.id !== request.botUserId,
    );
  }

  /** Without the Message Content intent Discord sends other people's messages empty: nothing to read, not a blank message. */
  private withheld(message: Message, botUserId: string): boolean {
    return (
      !this.settings.messageContent &&
      message.guildId !== null &&
      message.author.id !== botUserId &&
      message.content === "" &&
      message.attachments.size === 0 &&
      message.embeds.length === 0
    );
  }

  private async contextMessage(
    message: Message,
    botUserId: string,
    notes: Set<string>,
  ): Promise<ContextMessage> {
    const author = message.author;
    const authorKind =
      author.id === botUserId ? "guru" : author.bot || message.webhookId !== null ? "bot" : "person";
    return {
      messageId: message.id,
      author: author.id,
      authorName: (message.member?.displayName ?? author.displayName).slice(0, 128),
      authorKind,
      text: textOf(message),
      sentAt: message.createdTimestamp,
      documents: await this.documentsOf(message, notes),
    };
  }

  private async documentsOf(message: Message, notes: Set<string>): Promise<ReadDocument[]> {
    if (message.attachments.size === 0) return [];
    const outcomes = await readAttachments(
      message.attachments.map((attachment: Attachment) => ({
        name: attachment.name,
        url: attachment.url,
        mimeType: attachment.contentType ?? undefined,
        size: attachment.size,
      })),
      this.settings.attachments,
    );
    const documents: ReadDocument[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === "document") {
        documents.push(outcome.document);
        continue;
      }
      notes.add(outcome.note);
      if (outcome.reason === "foreignOrigin") {
        this.logger.warn("refused an attachment link outside Discord's file hosts", {
          message: message.id,
          file: outcome.name,
        });
      }
    }
    return documents;
  }

  /** What the answer says about a read that failed; the log says what to fix. */
  private failureNote(error: unknown, what: string, channelId: string): string {
    if (error instanceof DiscordAPIError) {
      if (error.code === RESTJSONErrorCodes.UnknownMessage) return `I couldn't read ${what}: it was deleted.`;
      if (
        error.status === 403 ||
        error.code === RESTJSONErrorCodes.MissingAccess ||
        error.code === RESTJSONErrorCodes.MissingPermissions
      ) {
        this.logger.warn(
          "Discord refused to show Guru earlier messages: give it View Channel and Read Message History in this channel",
          { channel: channelId, code: error.code },
        );
        return `I couldn't read ${what}: I lack the Read Message History permission here.`;
      }
    }
    this.logger.warn("could not read earlier messages", { channel: channelId, error });
    return `I couldn't read ${what}.`;
  }
}

/** Snowflakes order by time. */
function compareIds(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** The words as people see them (mentions as names), and what an embed says (other bots post embeds alone). */
function textOf(message: Message): string {
  const embeds = message.embeds.flatMap((embed) => [
    embed.title,
    embed.description,
    ...embed.fields.map((field) => `${field.name}: ${field.value}`),
  ]);
  return [cleanContent(message.content, message.channel), ...embeds]
    .filter((part): part is string => Boolean(part))
    .join("\n");
}
