import type { SlackConfig } from "../../config/configSchema.js";
import type { ConversationAddress } from "../../conversation/conversationAddress.js";
import type { Asker } from "./accessGate.js";
import { memoryReply } from "./memoryReply.js";
import {
  forgetNotYoursText,
  forgotConversationText,
  memoryText,
  notAllowedText,
  rateLimitedText,
} from "./replyTexts.js";
import type { ReplyPlace } from "./replyView.js";
import { ignoreSlackFailure } from "./slackFailure.js";
import { eventCallbackSchema, type MessageEvent } from "./slackPayloads.js";
import { answerInSlack, type SlackRuntime } from "./slackRuntime.js";
import { mentions, plainText } from "./slackText.js";
import type { BotIdentity } from "./slackWebApi.js";
import { readThreadContext, type SlackQuestion } from "./threadContext.js";

/** A message Guru may answer, and where. */
interface RoutedMessage {
  /** `mention`: addressed in a channel; `direct`: a DM; `threadReply`: a later message in a thread. */
  readonly kind: "mention" | "direct" | "threadReply";
  readonly address: ConversationAddress;
  readonly place: ReplyPlace;
  readonly asker: Asker;
  readonly ts: string;
  /** What the person wrote, as plain text without Guru's mention. */
  readonly text: string;
  /** Where Guru reads around the question: its thread (if any) and its files. */
  readonly question: SlackQuestion;
}

/**
 * A thread reply also shown in the channel is still a question; so is a message with a file (its
 * text is the question, and a file alone gets help); a bot's post, when bots are answered.
 */
const answerableSubtypes = new Set(["thread_broadcast", "file_share", "bot_message"]);

/**
 * Which messages Guru answers: mentions in channels (in the thread of the message), every DM,
 * and — with `followThreads` — later messages in a thread, if Guru takes part in it (checked by
 * the caller). Never its own messages, other bots' only with `answerBots`, never edits, deletions
 * or other subtypes.
 */
function routeMessage(
  team: string,
  event: MessageEvent,
  self: BotIdentity,
  config: SlackConfig,
): RoutedMessage | null {
  if (event.hidden || (event.subtype !== undefined && !answerableSubtypes.has(event.subtype))) return null;
  if (event.user === self.userId || event.bot_id === self.botId) return null;
  if ((event.bot_id !== undefined || event.subtype === "bot_message") && !config.answerBots) return null;
  const user = event.user ?? event.bot_id;
  if (user === undefined) return null;
  const common = { ts: event.ts, text: plainText(event.text, self.userId) };
  const asked = { channel: event.channel, ts: event.ts, files: event.files };
  // `app_mention` carries no channel_type; DM channel ids start with D.
  if (event.channel_type === "im" || (event.channel_type === undefined && event.channel.startsWith("D"))) {
    // A DM is one conversation, threads and all.
    const address = { platform: "slack", space: null, channel: event.channel, thread: null };
    return {
      kind: "direct",
      address,
      question: { ...asked, address, ...(event.thread_ts ? { threadTs: event.thread_ts } : {}) },
      place: { channel: event.channel, ...(event.thread_ts ? { threadTs: event.thread_ts } : {}) },
      asker: { team, channel: null, user },
      ...common,
    };
  }
  const threadTs = event.thread_ts ?? event.ts;
  const address = { platform: "slack", space: team, channel: event.channel, thread: threadTs };
  const inChannel = {
    address,
    // A top-level mention starts its thread: there is nothing before it to read.
    question: { ...asked, address, ...(event.thread_ts ? { threadTs: event.thread_ts } : {}) },
    place: { channel: event.channel, threadTs },
    asker: { team, channel: event.channel, user },
    ...common,
  };
  if (event.type === "app_mention") return { kind: "mention", ...inChannel };
  // A mention also arrives as `app_mention`, which answers it; top-level chatter is not for Guru.
  if (!config.followThreads || event.thread_ts === undefined || event.thread_ts === event.ts) return null;
  if (mentions(event.text, self.userId)) return null;
  return { kind: "threadReply", ...inChannel };
}

/** `app_mention` and `message` events: a reply in the thread, once per message. */
export class MessageHandler {
  constructor(private readonly runtime: SlackRuntime) {}

  async handle(body: unknown): Promise<void> {
    const parsed = eventCallbackSchema.safeParse(body);
    if (!parsed.success) return;
    const { service, config, gate, seen, self } = this.runtime;
    const routed = routeMessage(parsed.data.team_id, parsed.data.event, self, config);
    if (!routed) return;
    // Guru takes part in a thread once it has been asked there; `forget` ends that.
    if (routed.kind === "threadReply" && service.remembered(routed.address) === null) return;
    // Slack sends `app_mention` and `message` for the same message, and redelivers: the message is
    // the unit of exactly-once — here for this process, in the service's SQLite ledger for good.
    const eventId = `slack:${routed.place.channel}:${routed.ts}`;
    if (!seen.add(eventId)) return;
    if (!gate.admits(routed.asker)) {
      if (routed.kind !== "threadReply") await this.tell(routed, notAllowedText);
      return;
    }
    if (routed.kind !== "threadReply" && /^forget[.!]?$/i.test(routed.text)) return this.forget(routed);
    if (routed.kind !== "threadReply" && /^memory[.!?]?$/i.test(routed.text)) return this.showMemory(routed);
    const rate = gate.takeQuestion(routed.asker.user);
    if (!rate.allowed) return this.tell(routed, rateLimitedText(rate.retryAfterSeconds));
    const analyze = /^analy[sz]e\b[:\s]*/i.exec(routed.text);
    // Read only now: the asker is admitted, the thread is the one Guru was asked in, and Guru is
    // not about to refuse the question as busy.
    const context = service.refusal(routed.address, routed.asker.user)
      ? undefined
      : await readThreadContext(this.runtime, routed.question);
    await answerInSlack(
      this.runtime,
      {
        address: routed.address,
        author: routed.asker.user,
        text: analyze ? routed.text.slice(analyze[0].length) : routed.text,
        messageId: routed.ts,
        eventId,
        mode: analyze ? "analyze" : "ask",
        context,
      },
      routed.place,
    );
  }

  /**
   * Forgets the thread (or DM) — a thread others asked Guru in only for an admin. Messages Guru
   * merely read there (people who did not address it) do not make it theirs.
   */
  private async forget(routed: RoutedMessage): Promise<void> {
    const { service, gate, api } = this.runtime;
    const memory = service.remembered(routed.address);
    const othersWrote =
      memory?.messages.some(
        (m) => m.role === "user" && m.origin === "asked" && m.author !== routed.asker.user,
      ) ?? false;
    if (othersWrote && !gate.isAdmin(routed.asker.user)) return this.tell(routed, forgetNotYoursText);
    const forgotten = service.forgetConversation(routed.address);
    await ignoreSlackFailure(api.post({ ...routed.place, text: forgotConversationText(forgotten) }));
  }

  /** What Guru keeps of this thread (or DM), shown to the asker alone. */
  private async showMemory(routed: RoutedMessage): Promise<void> {
    const { service, api } = this.runtime;
    const asker = routed.asker.user;
    const intro = memoryText(service.exportUser({ platform: "slack", author: asker }), false);
    const shown = memoryReply(intro, service.memoryView(routed.address), asker);
    await ignoreSlackFailure(
      api.postEphemeral(routed.place.channel, asker, shown.text, routed.place.threadTs, shown.blocks),
    );
  }

  /** A note only the asker sees, where they wrote. */
  private tell(routed: RoutedMessage, text: string): Promise<void> {
    return ignoreSlackFailure(
      this.runtime.api.postEphemeral(routed.place.channel, routed.asker.user, text, routed.place.threadTs),
    );
  }
}
