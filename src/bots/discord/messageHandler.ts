import {
  ChannelType,
  cleanContent,
  type Message,
  type SendableChannels,
  ThreadAutoArchiveDuration,
} from "discord.js";
import { drain } from "../common/drainReply.js";
import type { DiscordCaller } from "./accessPolicy.js";
import { regenerateComponents, stopComponents } from "./answerControls.js";
import { addressOf, type DiscordPlace, eventIdOf } from "./discordPlace.js";
import { rateLimitedText, refusedText } from "./discordText.js";
import type { HandlerContext } from "./handlerContext.js";
import { componentsOf, type MessageBody, ReplyChain } from "./replyChain.js";
import { writeReplyLocator } from "./replyLocator.js";
import { placeholderFor, renderReply, withControls } from "./replyRenderer.js";
import { startReply } from "./startedReply.js";
import { keepTyping } from "./typingIndicator.js";

/**
 * Messages Guru answers: a DM, a message that mentions it, or any message in a thread Guru opened.
 * Its own messages never, other bots' only when `answerBots` is on.
 */
export async function handleMessage(
  context: HandlerContext,
  message: Message,
  botUserId: string,
): Promise<void> {
  if (message.author.id === botUserId || message.system) return;
  if ((message.author.bot || message.webhookId !== null) && !context.config.answerBots) return;
  const channel = message.channel;
  const direct = channel.isDMBased();
  const mentioned = mentionsBot(message, botUserId);
  const inGuruThread = channel.isThread() && channel.ownerId === botUserId;
  if (!direct && !mentioned && !inGuruThread) return;
  const text = promptOf(message, botUserId);
  // Without the Message Content intent, a follow-up that does not mention Guru arrives blank.
  if (!direct && !mentioned && text === "") return;
  if (!context.recent.add(eventIdOf("message", message.id))) return;
  const caller = callerOf(message);
  if (!context.access.allows(caller)) return sendBrief(context, message, refusedText);
  const rate = context.rateLimiter.take(caller.userId);
  if (!rate.allowed) return sendBrief(context, message, rateLimitedText(rate.retryAfterSeconds));
  const opensThread =
    context.config.openThreads &&
    mentioned &&
    (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement);
  return context.running.run(eventIdOf("message", message.id), caller.userId, (stop) =>
    answer(context, message, { caller, botUserId, text, opensThread }, stop),
  );
}

interface Question {
  readonly caller: DiscordCaller;
  readonly botUserId: string;
  /** The question without Guru's mention. */
  readonly text: string;
  readonly opensThread: boolean;
}

/** `stop`: aborted when someone presses the reply's Stop button. */
async function answer(
  context: HandlerContext,
  message: Message,
  question: Question,
  stop: AbortSignal,
): Promise<void> {
  const { caller, text, opensThread } = question;
  // A thread opened on a message takes the message's id, so its address is known before it exists.
  const place: DiscordPlace = opensThread
    ? { ...caller, channelId: message.id, parentChannelId: message.channelId }
    : caller;
  const address = addressOf(place);
  // Reading takes a moment before there is a placeholder to show: Guru is seen typing meanwhile.
  if (context.reader.readsAround(message) && message.channel.isSendable()) {
    message.channel.sendTyping().catch((error: unknown) => {
      context.logger.debug("could not show the typing indicator", { error });
    });
  }
  // Nothing is read for a question Guru is about to refuse as busy.
  const read = context.service.refusal(address, caller.userId)
    ? undefined
    : await context.reader.read({
        channel: message.channel,
        question: message,
        botUserId: question.botUserId,
        lastSeenMessageId: context.service.lastSeenMessageId(address),
      });
  const cancel = new AbortController();
  const eventId = eventIdOf("message", message.id);
  const reply = await startReply(
    context.service,
    {
      address,
      author: caller.userId,
      text,
      messageId: message.id,
      eventId,
      mode: "ask",
      // Where the reply will show, kept with the question so a restarted Guru can finish it.
      replyLocator: writeReplyLocator({ kind: "message", channelId: place.channelId }),
      context: read,
    },
    context.timings.deferGraceMs,
    AbortSignal.any([cancel.signal, stop]),
  );
  const first = reply.first;
  if (first?.type === "duplicate") return drain(reply.updates);
  const channel = opensThread ? await openThread(context, message, text) : message.channel;
  if (!channel.isSendable()) {
    context.logger.warn("cannot send messages in this channel", { channel: channel.id });
    cancel.abort();
    return drain(reply.updates);
  }
  const chain = new ReplyChain<Message>(
    messageTarget(message, channel, (sent) =>
      context.service.locateReply(
        eventId,
        writeReplyLocator({ kind: "message", channelId: sent.channelId, messageId: sent.id }),
      ),
    ),
    context.logger,
  );
  // An answer already there (help for an empty mention, a refusal) needs no placeholder and no typing.
  const answersNow = first?.type === "finished" || first?.type === "failed";
  const controls = stopComponents(eventId);
  if (!answersNow && !(await chain.show(withControls([placeholderFor(first, "ask")], controls)))) {
    cancel.abort();
    return drain(reply.updates);
  }
  const typing = answersNow
    ? null
    : keepTyping(() => channel.sendTyping(), context.timings.typingRenewMs, context.logger);
  try {
    await renderReply(
      reply.updates,
      {
        show: (bodies) => chain.show(bodies),
        fail: async (failure) => {
          await chain.show([{ content: failure, embeds: [] }]);
        },
      },
      {
        mode: "ask",
        question: text,
        editIntervalMs: context.config.editIntervalMs,
        logger: context.logger,
        whileRunning: controls,
        whenFinished: regenerateComponents(message.id),
      },
    );
  } finally {
    typing?.stop();
  }
}

/** The first part replies to the question (in a new thread it simply starts the thread); the rest follow it. */
function messageTarget(question: Message, channel: SendableChannels, onFirstPost: (sent: Message) => void) {
  let replied = false;
  return {
    post: async (body: MessageBody): Promise<Message> => {
      const options = { content: body.content, embeds: [...body.embeds], components: componentsOf(body) };
      const sent =
        replied || channel.id !== question.channelId
          ? await channel.send(options)
          : await question.reply(options);
      if (!replied) onFirstPost(sent);
      replied = true;
      return sent;
    },
    edit: async (sent: Message, body: MessageBody): Promise<void> => {
      await sent.edit({ content: body.content, embeds: [...body.embeds], components: componentsOf(body) });
    },
    remove: async (sent: Message): Promise<void> => {
      await sent.delete();
    },
  };
}

/** A thread for the conversation, or the channel itself when Discord refuses one (no permission). */
async function openThread(context: HandlerContext, message: Message, text: string) {
  try {
    return await message.startThread({
      name: text.replace(/\s+/g, " ").slice(0, 90).trim() || "Guru",
      autoArchiveDuration: ThreadAutoArchiveDuration.OneDay,
    });
  } catch (error) {
    context.logger.warn("could not open a thread; answering in the channel", { error });
    return message.channel;
  }
}

async function sendBrief(context: HandlerContext, message: Message, content: string): Promise<void> {
  try {
    await message.reply({ content });
  } catch (error) {
    context.logger.warn("could not reply", { error });
  }
}

/** A user mention, or a mention of the role Discord made for Guru (people pick it by mistake). */
function mentionsBot(message: Message, botUserId: string): boolean {
  return message.mentions.users.has(botUserId) || botRoleIds(message, botUserId).length > 0;
}

function botRoleIds(message: Message, botUserId: string): string[] {
  return message.mentions.roles.filter((role) => role.tags?.botId === botUserId).map((role) => role.id);
}

/** The question without Guru's mention; other mentions read as names, the way people see them. */
function promptOf(message: Message, botUserId: string): string {
  let content = message.content.replace(new RegExp(`<@!?${botUserId}>`, "g"), " ");
  for (const roleId of botRoleIds(message, botUserId)) content = content.replaceAll(`<@&${roleId}>`, " ");
  return cleanContent(content, message.channel).trim();
}

function callerOf(message: Message): DiscordCaller {
  const channel = message.channel;
  return {
    guildId: message.guildId,
    channelId: channel.id,
    parentChannelId: channel.isThread() ? channel.parentId : null,
    userId: message.author.id,
    roleIds: message.member ? [...message.member.roles.cache.keys()] : [],
  };
}
