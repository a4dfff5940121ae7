import { Assistant } from "@slack/bolt";
import { z } from "zod";
import type { MessageHandler } from "./messageHandler.js";
import { notAllowedText } from "./replyTexts.js";
import { ignoreSlackFailure } from "./slackFailure.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { plainText } from "./slackText.js";

export const assistantGreeting =
  "Hi, I'm *Guru*. Ask me anything — start with `analyze` for a structured analysis. Say `memory` to see what I keep, `forget` to make me forget it.";

/** The suggested prompts under a new assistant thread (Slack shows up to four). */
export const suggestedPrompts = [
  { title: "Explain something", message: "Explain how a mutex differs from a semaphore, with an example." },
  { title: "Analyze a problem", message: "analyze Why do our deploys fail more often on Fridays?" },
  { title: "What do you keep?", message: "memory" },
] as const;

/** Slack shows a thread's title in one line: the first question, cut at a word. */
const titleLength = 60;

const threadStartedSchema = z.object({
  assistant_thread: z.object({ user_id: z.string(), channel_id: z.string(), thread_ts: z.string() }),
});

const userMessageSchema = z.object({
  team_id: z.string(),
  event: z.object({
    channel: z.string(),
    thread_ts: z.string(),
    text: z.string().default(""),
    user: z.string().optional(),
  }),
});

/**
 * Slack's assistant pane through Bolt's `Assistant`: a greeting and suggested prompts when a person
 * opens a thread, the thread's title from its first question, and the question answered by the
 * same message handler as any DM (same memory, access rules and exactly-once ledger), with the
 * pane's status line kept in step (see `AssistantThreads`).
 */
export function assistantPane(
  runtime: SlackRuntime,
  messages: MessageHandler,
  track: (work: Promise<void>) => void,
): Assistant {
  return new Assistant({
    threadStarted: async ({ event }) => track(greet(runtime, event)),
    // Guru reads only the thread it is asked in: the channel the person is looking at is not
    // given to the model, so a change of it needs nothing (Bolt's default would rewrite the greeting).
    threadContextChanged: async () => runtime.logger.debug("an assistant thread's context changed"),
    userMessage: async ({ body }) => track(ask(runtime, messages, body)),
  });
}

async function greet(runtime: SlackRuntime, event: unknown): Promise<void> {
  const parsed = threadStartedSchema.safeParse(event);
  if (!parsed.success) {
    runtime.logger.warn("dropped an assistant_thread_started event Guru could not read");
    return;
  }
  const { user_id: user, channel_id: channel, thread_ts: threadTs } = parsed.data.assistant_thread;
  if (!runtime.seen.add(`slack:assistant:${channel}:${threadTs}`)) return;
  runtime.assistantThreads.add(channel, threadTs);
  const { api, gate, self } = runtime;
  if (!gate.admits({ team: self.teamId, channel: null, user })) {
    return ignoreSlackFailure(api.post({ channel, threadTs, text: notAllowedText }));
  }
  await ignoreSlackFailure(api.post({ channel, threadTs, text: assistantGreeting }));
  await ignoreSlackFailure(api.setSuggestedPrompts(channel, threadTs, suggestedPrompts));
}

async function ask(runtime: SlackRuntime, messages: MessageHandler, body: unknown): Promise<void> {
  const parsed = userMessageSchema.safeParse(body);
  if (parsed.success) {
    const { channel, thread_ts: threadTs, text, user } = parsed.data.event;
    runtime.assistantThreads.add(channel, threadTs);
    const admitted =
      user !== undefined && runtime.gate.admits({ team: parsed.data.team_id, channel: null, user });
    if (admitted && runtime.assistantThreads.needsTitle(channel, threadTs)) {
      const title = threadTitle(plainText(text, runtime.self.userId));
      if (title) await ignoreSlackFailure(runtime.api.setAssistantTitle(channel, threadTs, title));
    }
  }
  await messages.handle(body);
}

function threadTitle(question: string): string {
  const line = question.replace(/\s+/g, " ").trim();
  if (line.length <= titleLength) return line;
  const cut = line.slice(0, titleLength);
  const space = cut.lastIndexOf(" ");
  return `${space > titleLength / 2 ? cut.slice(0, space) : cut}…`;
}
