import type { RequestMode } from "../../service/conversationRequest.js";
import type { StatusDescription } from "../../service/statusDescription.js";
import { escapeText } from "./mrkdwn.js";
import type { UserData } from "./slackConversations.js";

/** Everything Guru says in Slack that is not the model's answer, in mrkdwn. */

export const notAllowedText =
  "Sorry — I'm not set up to answer you here. An admin of this Guru can add you (or this channel) to its allowlist.";

export function rateLimitedText(retryAfterSeconds: number): string {
  return `:hourglass: You've asked a lot in a short time — please wait ${retryAfterSeconds} s and ask again.`;
}

export function helpText(followThreads: boolean): string {
  return [
    "*Guru* answers with a model that runs on its owner's workstation.",
    `• Mention me (\`@Guru your question\`) in a channel: I answer in the thread${followThreads ? " and follow up there without a new mention" : ""}. Start with \`analyze\` for a structured analysis; say \`memory\` to see what I keep of the thread, \`forget\` to make me forget it.`,
    "• DM me: no mention needed.",
    "• `/guru ask <question>` — an answer in a new thread",
    "• `/guru analyze <question>` — reasoning steps, patterns, recommendations and a computed confidence",
    "• `/guru memory` — what I keep from you (in our DM: its summary, latest messages and analyses)",
    "• `/guru forget` — forget our DM (in a channel thread: mention me with `forget`)",
    "• `/guru forget me` — forget everything you wrote to me, everywhere",
    "• `/guru export` — your data as a JSON file, sent to you in a DM",
    "• `/guru status` — the model and the queue",
  ].join("\n");
}

export function usageText(mode: RequestMode): string {
  return `Usage: \`/guru ${mode} <your question>\``;
}

/** The visible root of a thread started with `/guru ask|analyze` (slash commands leave no message). */
export function questionRootText(user: string, question: string, mode: RequestMode): string {
  const shown = question.length > 2000 ? `${question.slice(0, 2000)}…` : question;
  const quoted = escapeText(shown)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  return `<@${user}> ${mode === "analyze" ? "asked for an analysis" : "asked"}:\n${quoted}`;
}

export function cannotPostText(slackError: string): string {
  return slackError === "not_in_channel" || slackError === "channel_not_found"
    ? "I can't post in this conversation. Invite me with `/invite @Guru`, or ask me in a DM."
    : `I couldn't post my answer (Slack said \`${slackError}\`). Please try again.`;
}

export const forgetInChannelText =
  "In a channel I keep one conversation per thread: mention me with `forget` in the thread you mean. `/guru forget me` forgets everything you wrote, everywhere.";

export function forgotConversationText(forgotten: boolean): string {
  return forgotten
    ? "Forgotten: this conversation's messages and analyses are deleted."
    : "I remember nothing of this conversation.";
}

export const forgetNotYoursText =
  "Others have written in this thread too: only an admin can make me forget it. `/guru forget me` forgets what you wrote.";

export function forgotUserText(messages: number, analyses: number): string {
  return `Forgotten: ${messages} messages (yours and my replies to them) and ${analyses} analyses are deleted.`;
}

/** What Guru keeps from the person, everywhere in this workspace's reach. */
export function memoryText(data: UserData, withThreadHint: boolean): string {
  const asked = data.conversations.reduce(
    (n, c) => n + c.messages.filter((m) => m.role === "user").length,
    0,
  );
  const analyses = data.conversations.reduce((n, c) => n + c.analyses.length, 0);
  const lines = [
    asked === 0
      ? "I keep nothing from you."
      : `I keep *${asked} messages* from you (with my replies) in *${data.conversations.length} conversations*, and *${analyses} analyses*. \`/guru export\` sends you all of it; \`/guru forget me\` deletes it.`,
  ];
  if (withThreadHint) lines.push(memoryInThreadHint);
  return lines.join("\n");
}

export const memoryInThreadHint =
  "To see what I keep of one thread, say `memory` to me there (`@Guru memory`); only you will see it.";

export function statusText(status: StatusDescription): string {
  return [...status.summary, ...status.servers]
    .map((fact) => `*${escapeText(fact.label)}* ${escapeText(fact.text)}`)
    .join("\n");
}

export const exportSentText = "I'm sending your data to you as a JSON file in our DM.";

export function exportFailedText(slackError: string): string {
  return `I couldn't send your export (Slack said \`${slackError}\`). Please try again.`;
}

export function exportComment(data: UserData): string {
  return `Everything I keep from you: ${data.conversations.length} conversations, exported ${data.exportedAt}.`;
}
