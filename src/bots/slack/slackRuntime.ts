import type { SlackConfig } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";
import type { ConversationRequest } from "../../service/conversationRequest.js";
import type { AttachmentReadOptions } from "../common/attachments/readAttachments.js";
import type { EditBudget } from "../common/editBudget.js";
import type { RecentKeys } from "../common/recentKeys.js";
import type { RunningAnswers } from "../common/runningAnswers.js";
import type { AccessGate } from "./accessGate.js";
import { regenerateControls, stopControls } from "./answerControls.js";
import type { AssistantThreads } from "./assistantThreads.js";
import { escapeText } from "./mrkdwn.js";
import { renderReply } from "./renderReply.js";
import { writeReplyLocator } from "./replyLocator.js";
import { type ReplyPlace, ReplyView } from "./replyView.js";
import type { SlackConversations } from "./slackConversations.js";
import type { BotIdentity, SlackWebApi } from "./slackWebApi.js";
import { streamReply } from "./streamedReply.js";
import type { StreamingSupport } from "./streamingSupport.js";
import type { ThreadTurns } from "./threadTurns.js";

/** What the event and command handlers share once the bot is connected. */
export interface SlackRuntime {
  readonly service: SlackConversations;
  readonly api: SlackWebApi;
  /** The workspace's `chat.update` budget, shared by every reply. */
  readonly edits: EditBudget;
  /** Replies in one thread go out one after another, in the order they were asked. */
  readonly turns: ThreadTurns;
  readonly gate: AccessGate;
  readonly config: SlackConfig;
  readonly self: BotIdentity;
  /** Messages and commands this process has already taken up. */
  readonly seen: RecentKeys;
  readonly logger: Logger;
  /** How files are fetched: Slack's file host only, with the bot token. */
  readonly files: AttachmentReadOptions;
  /** Whether the workspace takes Slack's streamed messages (learnt from the first try). */
  readonly streaming: StreamingSupport;
  /** The assistant pane's threads, whose replies also show on the pane's status line. */
  readonly assistantThreads: AssistantThreads;
  /** The answers under way, for their Stop buttons. */
  readonly running: RunningAnswers;
}

/**
 * Answers one request: the service's reply stream, shown at `place`. Resolves with Slack's error
 * code when not even the reply's first message could be posted (nobody saw it), else null.
 */
export async function answerInSlack(
  runtime: SlackRuntime,
  request: ConversationRequest,
  place: ReplyPlace,
): Promise<string | null> {
  const turn = runtime.turns.take(place);
  // Where the reply shows goes with the question, so a restarted Guru can finish it there.
  // The placeholder is posted with the event id as its marker: findable even if its ts never got noted.
  const marker = request.eventId;
  const view = new ReplyView(runtime.api, place, runtime.edits, {
    after: turn.ready,
    marker,
    onPosted: (ts) => runtime.service.locateReply(request.eventId, writeReplyLocator(place, { ts })),
  });
  const replyLocator = writeReplyLocator(place, { marker });
  const running = runtime.running.start(request.eventId, request.author);
  const updates = runtime.assistantThreads.withStatus(
    place,
    runtime.service.handle({ ...request, replyLocator }, { signal: running.signal }),
  );
  const options = {
    editIntervalMs: runtime.config.editIntervalMs,
    mode: request.mode,
    whileRunning: stopControls(request.eventId),
    whenFinished: regenerateControls(request.address, request.messageId),
  };
  try {
    // Analyses end in Block Kit, and a stream needs a thread: those are shown by editing.
    if (request.mode === "ask" && place.threadTs !== undefined && runtime.streaming.worthTrying) {
      const target = {
        channel: place.channel,
        threadTs: place.threadTs,
        recipientUser: request.author,
        recipientTeam: runtime.self.teamId,
      };
      await streamReply(runtime, updates, view, target, {
        ...options,
        after: turn.ready,
        onStarted: (ts) => runtime.service.locateReply(request.eventId, writeReplyLocator(place, { ts })),
      });
    } else await renderReply(updates, view, options);
  } catch (error) {
    runtime.logger.error("could not answer a Slack message", { error });
    await view.showText(`:warning: ${escapeText("Something went wrong while answering. Please try again.")}`);
  } finally {
    running.end();
    turn.done();
  }
  return view.refusal;
}
