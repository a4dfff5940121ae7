import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import type { ContextMessage, RequestContext } from "../../service/conversationRequest.js";
import { readSlackFiles } from "./slackFiles.js";
import type { SlackFile, ThreadMessage } from "./slackPayloads.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { plainText } from "./slackText.js";
import { SlackCallError } from "./slackWebApi.js";

/** The question as Slack delivered it: where it was asked, and the files it carries. */
export interface SlackQuestion {
  readonly address: ConversationAddress;
  readonly channel: string;
  /** The thread it was asked in, if any: the thread Guru reads. */
  readonly threadTs?: string;
  readonly ts: string;
  readonly files: readonly SlackFile[];
}

/** Message subtypes that carry what someone wrote; joins, topic changes and the like are not read. */
const readableSubtypes = new Set([undefined, "thread_broadcast", "file_share", "bot_message", "me_message"]);

/** What a failed `conversations.replies` tells the person (once) and the log (with the fix). */
const threadReadFixes: Record<string, string> = {
  missing_scope:
    "add the channels:history, groups:history, im:history and mpim:history scopes to the Slack app and reinstall it",
  not_in_channel: "invite Guru to the channel (/invite @Guru)",
  channel_not_found: "invite Guru to the channel (/invite @Guru)",
  ratelimited: "Slack is rate-limiting Guru; later questions will read the thread again",
  thread_not_found: "the thread's first message was deleted",
  message_not_found: "the thread's first message was deleted",
};

/**
 * What Guru reads around a question: in a thread it has not seen, the thread so far (people, other
 * bots and its own earlier replies, labelled); in a thread it takes part in, only what came after
 * the last message it stored; and the files on those messages and on the question. A failed read
 * never stops the answer: it becomes a note the answer carries.
 */
export async function readThreadContext(
  runtime: SlackRuntime,
  question: SlackQuestion,
): Promise<RequestContext> {
  const notes: string[] = [];
  let thread: ThreadMessage[] = [];
  const lastSeen = runtime.service.lastSeenMessageId(question.address);
  if (question.threadTs !== undefined && runtime.config.readThreads) {
    try {
      // A DM is one conversation across its threads: its newest stored message says nothing of this thread.
      const after = question.address.thread === null ? undefined : (lastSeen ?? undefined);
      thread = await runtime.api.threadReplies(question.channel, question.threadTs, after);
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      const fix = threadReadFixes[error.code] ?? "see Slack's error code";
      runtime.logger.warn(`could not read the Slack thread: ${fix}`, { slackError: error.code });
      notes.push(`I couldn't read the earlier messages of this thread (Slack said ${error.code}).`);
    }
  }
  const { self } = runtime;
  // Guru's own replies are in memory already, unless the conversation is new to it (or forgotten).
  const read = thread.filter(
    (m) =>
      m.ts !== question.ts &&
      readableSubtypes.has(m.subtype) &&
      !(lastSeen !== null && (m.user === self.userId || m.bot_id === self.botId)),
  );
  const files = await readSlackFiles(
    [...read.map((m) => m.files), question.files],
    runtime.files,
    runtime.logger,
  );
  const messages = read.map(
    (m, index): ContextMessage => ({
      ...contextMessage(m, runtime),
      documents: files.documents[index] ?? [],
    }),
  );
  return { messages, documents: files.documents[read.length] ?? [], notes: [...notes, ...files.notes] };
}

function contextMessage(message: ThreadMessage, runtime: SlackRuntime): Omit<ContextMessage, "documents"> {
  const { self } = runtime;
  const own = message.user === self.userId || message.bot_id === self.botId;
  const bot = message.bot_id !== undefined || message.subtype === "bot_message";
  const name = bot
    ? (message.bot_profile?.name ?? message.username)
    : message.user_profile?.display_name || message.user_profile?.real_name;
  return {
    messageId: message.ts,
    author: (message.user ?? message.bot_id ?? "unknown").slice(0, 128),
    ...(name ? { authorName: name.slice(0, 128) } : {}),
    authorKind: own ? "guru" : bot ? "bot" : "person",
    text: plainText(message.text, self.userId),
    sentAt: Math.round(Number(message.ts) * 1000),
  };
}
