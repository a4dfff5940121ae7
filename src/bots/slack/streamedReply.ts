import type { Reply, ReplyUpdate } from "../../service/replyUpdate.js";
import { EditThrottle } from "../common/editThrottle.js";
import { inertMarkdown } from "./inertMarkdown.js";
import { type RenderOptions, renderReply } from "./renderReply.js";
import type { ReplyView } from "./replyView.js";
import type { SlackRuntime } from "./slackRuntime.js";
import { SlackCallError, type SlackWebApi } from "./slackWebApi.js";

/** `chat.appendStream` and `chat.stopStream` take at most 12,000 characters a call. */
const streamCallLimit = 12_000;

/** Where and to whom a streamed reply goes: streams are always thread replies. */
export interface StreamTarget {
  readonly channel: string;
  readonly threadTs: string;
  readonly recipientUser: string;
  readonly recipientTeam: string;
}

/**
 * Stop shows on the placeholder until the stream starts; a streamed message carries no buttons
 * (Regenerate stays with edited replies).
 */
export interface StreamedReplyOptions extends RenderOptions {
  /** What must have been shown before the stream starts (earlier replies in the thread). */
  readonly after?: Promise<void>;
  /** Called with the streamed message's ts once Slack has started it. */
  readonly onStarted?: (ts: string) => void;
}

type StreamDeps = Pick<SlackRuntime, "api" | "streaming" | "self">;

/**
 * Shows a reply as one of Slack's streamed messages: the placeholder (queue position, thinking…)
 * as in `renderReply` until the first text, then `chat.startStream` with it, `chat.appendStream`
 * with what is new at most once per interval, and `chat.stopStream` with the rest; the placeholder
 * is deleted then. If the workspace has no streaming (the start fails), the reply goes on in the
 * placeholder through `chat.update`, from the same text on: either way it is shown once.
 */
export async function streamReply(
  deps: StreamDeps,
  updates: AsyncIterable<ReplyUpdate>,
  view: ReplyView,
  target: StreamTarget,
  options: StreamedReplyOptions,
): Promise<void> {
  const source = updates[Symbol.asyncIterator]();
  const handover: { first?: ReplyUpdate } = {};
  await renderReply(untilText(source, handover), view, options);
  const first = handover.first;
  if (first?.type !== "text") return;
  const rest = { [Symbol.asyncIterator]: () => source };
  if (view.unreachable) {
    await source.return?.();
    return;
  }
  const opening = inertMarkdown(first.text, false);
  await options.after;
  const ts = await startStream(deps, target, opening, view.firstTs);
  if (ts === null) return renderReply(prepend(first, source), view, options);
  options.onStarted?.(ts);
  const message = new StreamedMessage(deps.api, target.channel, ts, opening);
  const throttle = new EditThrottle(options.editIntervalMs, (markdown) => message.append(markdown));
  try {
    for await (const update of rest) {
      if (update.type === "text") throttle.show(inertMarkdown(update.text, false));
      else if (update.type === "finished" || update.type === "failed") {
        await throttle.flush();
        await message.finish(
          update.type === "finished" ? replyMarkdown(update.reply) : failedMarkdown(update),
        );
        await view.remove();
        return;
      }
    }
  } finally {
    await throttle.flush();
    // The stream ended without a last word (abandoned): what was sent stays, as sent.
    await message.finish(null);
  }
}

/**
 * `chat.startStream`, sent once; null when there is no stream to continue. After an uncertain
 * failure the thread is read for the message it may have started anyway: Guru's first message
 * after the placeholder (replies in a thread go one at a time, so it can be no other). Without a
 * placeholder (text came before any status was shown) there is nothing to tell it by.
 */
async function startStream(
  deps: StreamDeps,
  target: StreamTarget,
  opening: string,
  placeholderTs: string | undefined,
): Promise<string | null> {
  try {
    const ts = await deps.api.startStream({ ...target, markdown: opening });
    deps.streaming.started();
    return ts;
  } catch (error) {
    if (!(error instanceof SlackCallError)) throw error;
    if (deps.streaming.refused(error.code) || placeholderTs === undefined) return null;
    try {
      const later = await deps.api.threadReplies(target.channel, target.threadTs, placeholderTs);
      const landed = later.find((m) => m.bot_id === deps.self.botId)?.ts ?? null;
      if (landed !== null) deps.streaming.started();
      return landed;
    } catch (lookup) {
      if (!(lookup instanceof SlackCallError)) throw lookup;
      return null;
    }
  }
}

/** Yields the updates before the first text; hands that one over and leaves the rest unread. */
async function* untilText(
  source: AsyncIterator<ReplyUpdate>,
  handover: { first?: ReplyUpdate },
): AsyncGenerator<ReplyUpdate> {
  let handedOver = false;
  try {
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      if (next.value.type === "text") {
        handover.first = next.value;
        handedOver = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (a duplicate, nobody can see the reply): the generation is abandoned.
    if (!handedOver) await source.return?.();
  }
}

async function* prepend(first: ReplyUpdate, source: AsyncIterator<ReplyUpdate>): AsyncGenerator<ReplyUpdate> {
  yield first;
  yield* { [Symbol.asyncIterator]: () => source };
}

function replyMarkdown(reply: Reply): string {
  return inertMarkdown(reply.markdown.trim() || "_(The model gave an empty answer.)_", true);
}

function failedMarkdown(update: Extract<ReplyUpdate, { type: "failed" }>): string {
  const notice = `:warning: ${update.message}`;
  const partial = update.partialText.trim();
  return inertMarkdown(partial ? `${partial}\n\n${notice}` : notice, true);
}

/**
 * One streamed message: appends only what is new. A call that fails is not repeated (an append
 * cannot be found again); the message is then put right at the end with `chat.update`, so the
 * whole reply is still shown once.
 */
class StreamedMessage {
  private broken = false;
  private finished = false;

  constructor(
    private readonly api: SlackWebApi,
    private readonly channel: string,
    private readonly ts: string,
    private sent: string,
  ) {}

  async append(markdown: string): Promise<void> {
    if (this.broken || this.finished || !markdown.startsWith(this.sent)) return;
    try {
      for (const piece of pieces(markdown.slice(this.sent.length))) {
        await this.api.appendStream(this.channel, this.ts, piece);
        this.sent += piece;
      }
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      this.broken = true;
    }
  }

  /** Stops the stream with `markdown` as the whole reply (null: as it stands). */
  async finish(markdown: string | null): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const whole = markdown ?? this.sent;
    const fits = !this.broken && whole.startsWith(this.sent);
    let last = "";
    try {
      if (fits) {
        const rest = pieces(whole.slice(this.sent.length));
        last = rest.pop() ?? "";
        for (const piece of rest) {
          await this.api.appendStream(this.channel, this.ts, piece);
          this.sent += piece;
        }
      }
      await this.api.stopStream(this.channel, this.ts, last);
      if (fits) return;
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
    }
    // Rewritten text, or a failed call: the message is set to the whole reply instead.
    try {
      await this.api.update(this.channel, this.ts, {
        text: whole.slice(0, 3000),
        blocks: [{ type: "markdown", text: whole.slice(0, streamCallLimit) }],
      });
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
    }
  }
}

function pieces(text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += streamCallLimit) parts.push(text.slice(at, at + streamCallLimit));
  return parts;
}
