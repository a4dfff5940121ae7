import type { SlackConfig } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";
import type { ConversationRequest } from "../../service/conversationRequest.js";
import type { AttachmentReadOptions } from "../common/attachments/readAttachments.js";
import type { RecentKeys } from "../common/recentKeys.js";
import type { AccessGate } from "./accessGate.js";
import { escapeText } from "./mrkdwn.js";
import { renderReply } from "./renderReply.js";
import { type ReplyPlace, ReplyView } from "./replyView.js";
import type { SlackConversations } from "./slackConversations.js";
import type { BotIdentity, SlackWebApi } from "./slackWebApi.js";

/** What the event and command handlers share once the bot is connected. */
export interface SlackRuntime {
  readonly service: SlackConversations;
  readonly api: SlackWebApi;
  readonly gate: AccessGate;
  readonly config: SlackConfig;
  readonly self: BotIdentity;
  /** Messages and commands this process has already taken up. */
  readonly seen: RecentKeys;
  readonly logger: Logger;
  /** How files are fetched: Slack's file host only, with the bot token. */
  readonly files: AttachmentReadOptions;
}

/** Answers one request: the service's reply stream, shown at `place`. */
export async function answerInSlack(
  runtime: SlackRuntime,
  request: ConversationRequest,
  place: ReplyPlace,
): Promise<void> {
  const view = new ReplyView(runtime.api, place);
  try {
    await renderReply(runtime.service.handle(request), view, {
      editIntervalMs: runtime.config.editIntervalMs,
      mode: request.mode,
    });
  } catch (error) {
    runtime.logger.error("could not answer a Slack message", { error });
    await view.showText(`:warning: ${escapeText("Something went wrong while answering. Please try again.")}`);
  }
}
