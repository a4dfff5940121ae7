import Database from "better-sqlite3";
import { splitMarkdown } from "../../src/bots/common/markdownChunker.js";
import * as discordText from "../../src/bots/discord/discordText.js";
import { toMrkdwn } from "../../src/bots/slack/mrkdwn.js";
import {
  queuedText as slackQueuedText,
  thinkingText as slackThinkingText,
} from "../../src/bots/slack/renderReply.js";
import { rateLimitedText as slackRateLimitedText } from "../../src/bots/slack/replyTexts.js";
import { messageLimit as slackMessageLimit } from "../../src/bots/slack/replyView.js";
import type { SlackRig } from "../slack/slackRig.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import type { GuruStack } from "./guruStack.js";

/**
 * A message's outcome, read only from what the fakes hold.
 *
 * Its replies: for a Slack mention, Guru's messages in the mention's thread and the private notes
 * to the asker there; for a Slack DM, Guru's messages in that DM (one question per DM, as replies
 * there are not threaded) and the notes; for `/guru ask`, the acknowledgement's private text, or
 * the thread root Guru posted for it (found by the question's marker) and the messages under it;
 * for a Discord message, Guru's messages that reply to it; for a Discord interaction, its messages
 * still shown, private ones included.
 *
 * No reply: lost. More than one: answered twice. One: a placeholder ("thinking", a queue position,
 * a deferred reply not yet edited) is not final; a refusal is known by the bots' own words (rate
 * limited) or the engine's (queue full); a warning is a failure; anything else is an answer — which
 * the test then holds against the database: it must be the stored, complete answer exactly as the
 * platform renders it, so a half-streamed edit cannot pass for a final one.
 */

/** How each message was delivered, and where its answer must appear. */
export type Sent =
  | {
      readonly via: "slack-thread" | "slack-dm";
      readonly rig: SlackRig;
      readonly channel: string;
      readonly ts: string;
      readonly user: string;
    }
  | {
      readonly via: "slack-command";
      readonly rig: SlackRig;
      readonly channel: string;
      readonly ack: string | null;
      readonly marker: string;
    }
  | { readonly via: "discord-message"; readonly channel: string; readonly id: string }
  | { readonly via: "discord-interaction"; readonly id: string };

type Verdict = "answered" | "queue full" | "rate limited" | "failed" | "not final";
export type Outcome = Verdict | "lost" | "duplicated";

/** A reply as the fake shows it now, and the question it answers as the service stores it. */
export interface Observed {
  readonly replies: readonly string[];
  /** `channel|platform message id` of the stored question; null when none was posted. */
  readonly question: string | null;
  readonly platform: "slack" | "discord";
}

function pattern(text: string, number: number): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(String(number), "\\d+")}$`);
}

const slackQueued = pattern(slackQueuedText(987), 987);
const slackRateLimited = pattern(slackRateLimitedText(987), 987);
const discordQueued = pattern(discordText.queuedText(987), 987);
const discordRateLimited = pattern(discordText.rateLimitedText(987), 987);
/** The engine's refusals (QUEUE_FULL, USER_QUEUE_FULL), as the service words them. */
const queueFull = /too many requests are waiting|You already have \d+ requests waiting/;

function verdictOf(text: string, platform: "slack" | "discord"): Verdict {
  if (platform === "slack") {
    if (text === slackThinkingText || slackQueued.test(text)) return "not final";
    if (slackRateLimited.test(text)) return "rate limited";
    if (queueFull.test(text)) return "queue full";
    return text.startsWith(":warning:") ? "failed" : "answered";
  }
  if (text === "" || text === discordText.thinkingText || discordQueued.test(text)) return "not final";
  if (discordRateLimited.test(text)) return "rate limited";
  if (queueFull.test(text)) return "queue full";
  return text.startsWith("⚠️") || text.includes("Cut short") ? "failed" : "answered";
}

export function outcomeOf(observed: Observed): Outcome {
  const [only, ...more] = observed.replies;
  if (only === undefined) return "lost";
  if (more.length > 0) return "duplicated";
  return verdictOf(only, observed.platform);
}

/** Guru's messages on every fake, indexed once per look so a look stays cheap at 1,000 messages. */
export function observer(stack: GuruStack) {
  const { fake } = stack.discord;
  return () => {
    const slack = new Map<
      SlackRig,
      {
        threads: Map<string, string[]>;
        roots: Map<string, { ts: string; text: string }[]>;
        notes: Map<string, string[]>;
      }
    >();
    for (const rig of Object.values(stack.slack)) {
      const threads = new Map<string, string[]>();
      const roots = new Map<string, { ts: string; text: string }[]>();
      for (const m of rig.slack.web.messages) {
        if (m.deleted || m.botId !== workspace.botId) continue;
        if (m.threadTs === undefined) push(roots, m.channel, { ts: m.ts, text: m.text });
        else push(threads, `${m.channel}|${m.threadTs}`, m.text);
      }
      const notes = new Map<string, string[]>();
      for (const e of rig.slack.web.ephemeral)
        push(notes, `${e.channel}|${e.user}|${e.threadTs ?? ""}`, e.text);
      slack.set(rig, { threads, roots, notes });
    }
    const repliesTo = new Map<string, string[]>();
    for (const stored of fake.world.messages.values()) {
      const reference = stored.message.message_reference?.message_id;
      if (stored.deleted || stored.message.author.id !== fake.world.bot.id || reference === undefined)
        continue;
      push(repliesTo, reference, stored.message.content);
    }
    return (sent: Sent): Observed => {
      switch (sent.via) {
        case "slack-thread":
        case "slack-dm": {
          const index = slack.get(sent.rig);
          const thread = sent.via === "slack-thread" ? sent.ts : "";
          const shown =
            sent.via === "slack-thread"
              ? (index?.threads.get(`${sent.channel}|${sent.ts}`) ?? [])
              : (index?.roots.get(sent.channel) ?? []).map((m) => m.text);
          const notes = index?.notes.get(`${sent.channel}|${sent.user}|${thread}`) ?? [];
          return { replies: [...shown, ...notes], question: `${sent.channel}|${sent.ts}`, platform: "slack" };
        }
        case "slack-command": {
          const index = slack.get(sent.rig);
          const roots = (index?.roots.get(sent.channel) ?? []).filter((m) => m.text.includes(sent.marker));
          const replies = [
            ...(sent.ack === null ? [] : [sent.ack]),
            ...roots.flatMap((root) => index?.threads.get(`${sent.channel}|${root.ts}`) ?? []),
          ];
          // A root with no reply under it yet is an answer under way.
          if (roots.length === 1 && replies.length === 0) replies.push(slackThinkingText);
          const root = roots.length === 1 ? roots[0] : undefined;
          return { replies, question: root ? `${sent.channel}|${root.ts}` : null, platform: "slack" };
        }
        case "discord-message":
          return {
            replies: repliesTo.get(sent.id) ?? [],
            question: `${sent.channel}|${sent.id}`,
            platform: "discord",
          };
        case "discord-interaction": {
          const interaction = fake.world.interactions.get(sent.id);
          const replies = (interaction?.messageIds ?? []).flatMap((id) => {
            const stored = fake.world.messages.get(id);
            return stored && !stored.deleted ? [stored.message.content] : [];
          });
          return {
            replies,
            question: interaction ? `${interaction.channelId}|${sent.id}` : null,
            platform: "discord",
          };
        }
      }
    };
  };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What the platform shows for a stored answer: its first (here only) message. */
export function shownAnswer(stored: string, platform: "slack" | "discord"): string {
  if (platform === "slack") {
    return (
      splitMarkdown(toMrkdwn(stored).trim() || "_(The model gave an empty answer.)_", slackMessageLimit)[0] ??
      ""
    );
  }
  return splitMarkdown(stored, discordText.messageLimit)[0] ?? discordText.emptyAnswerText;
}

export interface StoredReply {
  readonly status: string;
  readonly reason: string | null;
  readonly text: string;
}

/** The replies the service stored, by `channel|platform message id` of the question they answer. */
export function storedReplies(databasePath: string): Map<string, StoredReply[]> {
  const db = new Database(databasePath, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT c.channel || '|' || q.platform_message_id AS question, r.status, r.status_reason AS reason, r.text
         FROM messages q JOIN conversations c ON c.id = q.conversation_id
         LEFT JOIN messages r ON r.reply_to = q.id
         WHERE q.role = 'user'`,
      )
      .all() as { question: string; status: string | null; reason: string | null; text: string | null }[];
    const byQuestion = new Map<string, StoredReply[]>();
    for (const row of rows) {
      const replies = byQuestion.get(row.question) ?? [];
      if (row.status !== null) replies.push({ status: row.status, reason: row.reason, text: row.text ?? "" });
      byQuestion.set(row.question, replies);
    }
    return byQuestion;
  } finally {
    db.close();
  }
}
