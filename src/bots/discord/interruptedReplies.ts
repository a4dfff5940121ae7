import { type REST, Routes } from "discord.js";
import { z } from "zod";
import type { Logger } from "../../log/logger.js";
import type { ConversationService } from "../../service/conversationService.js";
import { finishInterrupted } from "../common/interruptedReplies.js";
import { type ChainTarget, type MessageBody, ReplyChain } from "./replyChain.js";
import { type DiscordReplyLocator, readReplyLocator, writeReplyLocator } from "./replyLocator.js";
import { renderReply } from "./replyRenderer.js";

const sentMessageSchema = z.object({ id: z.string() });

/** A reply message: in a channel, or an interaction's response reached by its webhook token. */
interface Handle {
  readonly via: "channel" | "webhook";
  readonly id: string;
}

/**
 * Finishes the Discord replies a dead Guru process left: the stale "Thinking…" (a message, or a
 * slash command's deferred response while its token lives) is edited into the answer or the note
 * to ask again; where it cannot be reached, the reply is posted in the channel or thread.
 */
export function finishInterruptedReplies(
  service: ConversationService,
  rest: REST,
  options: { readonly editIntervalMs: number; readonly logger: Logger },
): Promise<void> {
  return finishInterrupted(service, "discord", {
    readLocator: readReplyLocator,
    logger: options.logger,
    finish: async (interrupted, locator) => {
      const first = firstMessage(locator);
      // A reply posted anew (no placeholder could be reached) is noted: a second crash edits it, never posts twice.
      const onPosted = (messageId: string) =>
        service.locateReply(
          interrupted.eventId,
          writeReplyLocator({ kind: "message", channelId: locator.channelId, messageId }),
        );
      const chain = new ReplyChain<Handle>(
        restTarget(rest, locator, first ? null : onPosted),
        options.logger,
        first,
      );
      await renderReply(
        interrupted.updates,
        {
          show: (bodies) => chain.show(bodies),
          // Nobody is waiting on an ephemeral reply any more: the failure goes where the placeholder was.
          fail: async (text) => {
            await chain.show([{ content: text, embeds: [] }]);
          },
        },
        {
          mode: interrupted.mode,
          question: interrupted.question,
          editIntervalMs: options.editIntervalMs,
          logger: options.logger,
        },
      );
    },
  });
}

/** The placeholder to edit, if the earlier run posted one that can still be reached. */
function firstMessage(locator: DiscordReplyLocator): { handle: Handle; shown: null } | undefined {
  if (locator.kind === "interaction") {
    return Date.now() < locator.expiresAt
      ? { handle: { via: "webhook", id: "@original" }, shown: null }
      : undefined;
  }
  return locator.messageId ? { handle: { via: "channel", id: locator.messageId }, shown: null } : undefined;
}

/** Plain REST calls: the channel need not be in discord.js's cache after a restart. */
function restTarget(
  rest: REST,
  locator: DiscordReplyLocator,
  onFirstPost: ((messageId: string) => void) | null,
): ChainTarget<Handle> {
  let posted = false;
  const { channelId } = locator;
  const payload = (body: MessageBody) => ({
    content: body.content,
    embeds: [...body.embeds],
    // Model output never pings anyone.
    allowed_mentions: { parse: [] },
  });
  const webhookMessage = (id: string) => {
    if (locator.kind !== "interaction") throw new Error("a channel reply has no webhook");
    return Routes.webhookMessage(locator.applicationId, locator.token, id);
  };
  return {
    post: async (body) => {
      const sent = sentMessageSchema.parse(
        await rest.post(Routes.channelMessages(channelId), { body: payload(body) }),
      );
      if (!posted) onFirstPost?.(sent.id);
      posted = true;
      return { via: "channel", id: sent.id };
    },
    edit: async (handle, body) => {
      if (handle.via === "webhook")
        await rest.patch(webhookMessage(handle.id), { body: payload(body), auth: false });
      else await rest.patch(Routes.channelMessage(channelId, handle.id), { body: payload(body) });
    },
    remove: async (handle) => {
      if (handle.via === "webhook") await rest.delete(webhookMessage(handle.id), { auth: false });
      else await rest.delete(Routes.channelMessage(channelId, handle.id));
    },
  };
}
