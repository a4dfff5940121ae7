import {
  type ChatInputCommandInteraction,
  type CommandInteraction,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import { isGuruError } from "../../errors.js";
import type { RequestContext, RequestMode } from "../../service/conversationRequest.js";
import { drain } from "../common/drainReply.js";
import type { DiscordCaller } from "./accessPolicy.js";
import { regenerateComponents, stopComponents } from "./answerControls.js";
import { addressOf, type DiscordPlace, eventIdOf } from "./discordPlace.js";
import { failureText, forgetNotAllowedText, helpText, rateLimitedText, refusedText } from "./discordText.js";
import type { HandlerContext } from "./handlerContext.js";
import { interactionReplyChain } from "./interactionReplyChain.js";
import { exportFile, forgetMeText, forgetText, statusText, type UserExportFile } from "./localCommands.js";
import { memoryText } from "./memoryText.js";
import { personaReply } from "./personaCommand.js";
import { interactionTokenLifetimeMs, writeReplyLocator } from "./replyLocator.js";
import { type ReplyView, renderReply } from "./replyRenderer.js";
import { commandNames, promptOption } from "./slashCommands.js";
import { startReply } from "./startedReply.js";
import { keepTyping } from "./typingIndicator.js";

/** Slash commands: `/ask` and `/analyze` stream a model reply; the others answer at once, ephemerally. */
export async function handleInteraction(context: HandlerContext, interaction: Interaction): Promise<void> {
  if (!interaction.isChatInputCommand()) return;
  if (!context.recent.add(eventIdOf("interaction", interaction.id))) return;
  const caller = callerOf(interaction);
  if (caller === null) {
    context.logger.warn("an interaction without a channel", { command: interaction.commandName });
    return;
  }
  switch (interaction.commandName) {
    case commandNames.help:
      return ephemeral(interaction, helpText);
    case commandNames.forgetMe:
      return answerAtOnce(context, interaction, () => forgetMeText(context.service, caller.userId));
    case commandNames.export:
      return sendExport(context, interaction, caller.userId);
  }
  // Everything else is for the people and places the allowlists admit.
  if (!context.access.allows(caller)) return ephemeral(interaction, refusedText);
  const address = addressOf(caller);
  switch (interaction.commandName) {
    case commandNames.ask:
    case commandNames.analyze: {
      const mode = interaction.commandName === commandNames.ask ? "ask" : "analyze";
      return answerInteraction(
        context,
        interaction,
        caller,
        mode,
        promptSubject(context, interaction, caller),
      );
    }
    case commandNames.memory:
      return answerAtOnce(context, interaction, () =>
        memoryText(context.service.memoryView(address), caller.userId),
      );
    case commandNames.status:
      return answerAtOnce(context, interaction, () => statusText(context.service));
    case commandNames.persona:
      return answerAtOnce(context, interaction, () => personaReply(context, interaction, caller));
    case commandNames.forget:
      if (!mayForget(context, interaction, caller)) return ephemeral(interaction, forgetNotAllowedText);
      return answerAtOnce(context, interaction, () => forgetText(context.service, address));
    default:
      context.logger.warn("an unknown slash command; run `guru discord register` again", {
        command: interaction.commandName,
      });
  }
}

/** What a command asks about: its text, and what to read around it. */
export interface InteractionSubject {
  readonly text: string;
  /** Whether there is anything to read (then the interaction is deferred before reading). */
  readonly reads: boolean;
  read(): Promise<RequestContext | undefined>;
}

/** `/ask` and `/analyze`: the prompt option, with the thread the command was used in. */
function promptSubject(
  context: HandlerContext,
  interaction: ChatInputCommandInteraction,
  caller: DiscordCaller,
): InteractionSubject {
  const channel = interaction.channel;
  const reads = context.reader.readsThread(channel);
  return {
    text: interaction.options.getString(promptOption, true),
    reads,
    read: async () =>
      channel
        ? context.reader.read({
            channel,
            question: null,
            botUserId: interaction.client.user.id,
            lastSeenMessageId: context.service.lastSeenMessageId(addressOf(caller)),
          })
        : undefined,
  };
}

/**
 * A model reply to a command, streamed into the interaction's response; refusals go to the caller
 * alone. Its Stop button (asker or admin) cancels it while it is queued or written.
 */
export function answerInteraction(
  context: HandlerContext,
  interaction: CommandInteraction,
  caller: DiscordCaller,
  mode: RequestMode,
  subject: InteractionSubject,
): Promise<void> {
  return context.running.run(eventIdOf("interaction", interaction.id), caller.userId, (stop) =>
    answerRunning(context, interaction, caller, mode, subject, stop),
  );
}

async function answerRunning(
  context: HandlerContext,
  interaction: CommandInteraction,
  caller: DiscordCaller,
  mode: RequestMode,
  subject: InteractionSubject,
  stop: AbortSignal,
): Promise<void> {
  const rate = context.rateLimiter.take(caller.userId);
  if (!rate.allowed) return ephemeral(interaction, rateLimitedText(rate.retryAfterSeconds));
  const prompt = subject.text;
  const address = addressOf(caller);
  // Reading may outlast Discord's 3 seconds to acknowledge: defer first, then read.
  const reads = subject.reads;
  if (reads && !(await deferred(context, interaction))) return;
  const read = reads ? await subject.read() : undefined;
  const cancel = new AbortController();
  const reply = await startReply(
    context.service,
    {
      address,
      author: caller.userId,
      text: prompt,
      messageId: interaction.id,
      eventId: eventIdOf("interaction", interaction.id),
      mode,
      // The deferred response, reachable by its token for 15 minutes: a restarted Guru can finish it.
      replyLocator: writeReplyLocator({
        kind: "interaction",
        channelId: caller.channelId,
        applicationId: interaction.applicationId,
        token: interaction.token,
        expiresAt: interaction.createdTimestamp + interactionTokenLifetimeMs,
      }),
      ...(read ? { context: read } : {}),
    },
    context.timings.deferGraceMs,
    AbortSignal.any([cancel.signal, stop]),
  );
  const view = interactionView(context, interaction);
  const first = reply.first;
  if (first?.type === "duplicate") {
    if (reads) await interaction.deleteReply().catch(() => undefined);
    return drain(reply.updates);
  }
  // Refused at once (busy, too long, empty): say so to the asker alone, with no public reply at all.
  if (first?.type === "failed" || (first?.type === "finished" && first.reply.kind === "notice")) {
    const text = first.type === "failed" ? failureText(first.code, first.message) : first.reply.markdown;
    await (reads ? view.fail(text) : ephemeral(interaction, text));
    return drain(reply.updates);
  }
  if (!reads && !(await deferred(context, interaction))) {
    cancel.abort();
    return drain(reply.updates);
  }
  const typing = keepTyping(() => typeIn(interaction), context.timings.typingRenewMs, context.logger);
  try {
    await renderReply(reply.updates, view, {
      mode,
      question: prompt,
      editIntervalMs: context.config.editIntervalMs,
      logger: context.logger,
      whileRunning: stopComponents(eventIdOf("interaction", interaction.id)),
      whenFinished: regenerateComponents(interaction.id),
    });
  } finally {
    typing.stop();
  }
}

/** Acknowledges a command with "Guru is thinking…"; false when Discord no longer takes it. */
async function deferred(context: HandlerContext, interaction: CommandInteraction): Promise<boolean> {
  try {
    await interaction.deferReply();
    return true;
  } catch (error) {
    context.logger.warn("could not acknowledge a slash command in time; dropping it", { error });
    return false;
  }
}

/** The deferred reply is message 0 and is edited; parts past it are follow-ups. */
function interactionView(context: HandlerContext, interaction: CommandInteraction): ReplyView {
  const chain = interactionReplyChain(interaction, context.logger);
  return {
    show: (bodies) => chain.show(bodies),
    fail: async (text) => {
      // The deferred reply is public; a failure is the asker's business, so it goes to them alone.
      try {
        await interaction.deleteReply();
        await interaction.followUp({ content: text, flags: MessageFlags.Ephemeral });
      } catch (error) {
        context.logger.warn("could not show a failure ephemerally; showing it in place", { error });
        await chain.show([{ content: text, embeds: [] }]);
      }
    },
  };
}

async function typeIn(interaction: CommandInteraction): Promise<void> {
  const channel = interaction.channel;
  if (channel && "sendTyping" in channel) await channel.sendTyping();
}

function mayForget(
  context: HandlerContext,
  interaction: ChatInputCommandInteraction,
  caller: DiscordCaller,
): boolean {
  if (caller.guildId === null || context.access.isAdmin(caller.userId)) return true;
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false;
}

async function answerAtOnce(
  context: HandlerContext,
  interaction: ChatInputCommandInteraction,
  text: () => string,
): Promise<void> {
  let content: string;
  try {
    content = text();
  } catch (error) {
    if (!isGuruError(error)) throw error;
    context.logger.error("a slash command failed", { command: interaction.commandName, error });
    content = failureText(error.code, error.message);
  }
  await ephemeral(interaction, content);
}

async function sendExport(context: HandlerContext, interaction: ChatInputCommandInteraction, userId: string) {
  let file: UserExportFile;
  try {
    file = exportFile(context.service, userId);
  } catch (error) {
    if (!isGuruError(error)) throw error;
    return ephemeral(interaction, failureText(error.code, error.message));
  }
  if (file.data.length > interaction.attachmentSizeLimit) {
    const megabytes = (file.data.length / 1_048_576).toFixed(1);
    return ephemeral(
      interaction,
      `Your export is ${megabytes} MB, more than Discord lets me attach here. Ask Guru's operator for a copy.`,
    );
  }
  await interaction.reply({
    content: `Everything you have said to me on Discord (${file.conversations} conversations), with my replies.`,
    files: [{ attachment: file.data, name: file.name }],
    flags: MessageFlags.Ephemeral,
  });
}

export async function ephemeral(interaction: CommandInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral });
}

/** Who asked, and where; null for an interaction without a channel (Discord always sends one for commands). */
export function callerOf(interaction: CommandInteraction): DiscordCaller | null {
  const channelId = interaction.channelId;
  if (channelId === null) return null;
  const channel = interaction.channel;
  const place: DiscordPlace = {
    guildId: interaction.guildId,
    channelId,
    parentChannelId: channel?.isThread() ? channel.parentId : null,
  };
  const member = interaction.member;
  const roleIds =
    member === null ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { ...place, userId: interaction.user.id, roleIds };
}
