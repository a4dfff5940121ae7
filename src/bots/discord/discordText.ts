import type { ErrorCode } from "../../errors.js";

/** Discord's longest message content, in characters. */
export const messageLimit = 2000;

export const thinkingText = "✍️ Thinking…";
export const analysingText = "🔎 Analysing…";
export const summarizingText = "📚 Reading back through this conversation…";

export function queuedText(position: number): string {
  return `⏳ Waiting in line — position ${position}. I'll start as soon as a slot frees up.`;
}

const busyCodes: readonly ErrorCode[] = ["QUEUE_FULL", "USER_QUEUE_FULL", "SHUTTING_DOWN", "RATE_LIMITED"];

/** A failure as the person reads it: the service's message already says what to do next. */
export function failureText(code: ErrorCode, message: string): string {
  return `${busyCodes.includes(code) ? "⏳" : "⚠️"} ${message}`;
}

/** Appended to the part of an answer that streamed before it failed. */
export function cutShortNote(message: string): string {
  return `\n\n⚠️ _Cut short: ${message}_`;
}

export const emptyAnswerText = "_(The model returned an empty answer. Please try rephrasing.)_";

export function rateLimitedText(retryAfterSeconds: number): string {
  return `⏳ You're asking faster than I can keep up — please try again in ${retryAfterSeconds} s.`;
}

export const refusedText =
  "🚫 I'm not enabled for you here. Ask an admin of this server if you think you should be.";

export const forgetNotAllowedText =
  "🚫 Forgetting a shared conversation needs the Manage Messages permission (or Guru admin rights). " +
  "`/forget-me` deletes your own messages.";

export const helpText = [
  "**Guru** — a local assistant that answers here, thinking on its owner's machine.",
  "",
  "• Mention me with a question, or DM me (no mention needed).",
  "• `/ask prompt` — an answer, streamed as I write it.",
  "• `/analyze prompt` — a structured analysis: reasoning, patterns, recommendations and a computed confidence.",
  "• `/memory` — what I keep of this conversation; `/forget` clears it.",
  "• `/forget-me` — delete everything you have said to me on Discord; `/export` — a copy of it.",
  "• `/status` — the model and how busy I am.",
  "• **Apps → Analyze with Guru** on any message — an analysis of it, read with its thread.",
  "• `/persona show` — my persona here; admins can `/persona set` or `/persona reset` it.",
].join("\n");
