import type { Logger } from "../../log/logger.js";
import type { RequestMode } from "../../service/conversationRequest.js";
import { withReadNotes } from "../../service/readNotes.js";
import type { Reply, ReplyUpdate } from "../../service/replyUpdate.js";
import { EditThrottle } from "../common/editThrottle.js";
import { splitMarkdown } from "../common/markdownChunker.js";
import { analysisEmbed } from "./analysisEmbed.js";
import {
  analysingText,
  cutShortNote,
  emptyAnswerText,
  failureText,
  messageLimit,
  queuedText,
  summarizingText,
  thinkingText,
} from "./discordText.js";
import type { MessageBody } from "./replyChain.js";

/** Where a reply is drawn: message i of the reply shows body i. */
export interface ReplyView {
  /** True when every part is on Discord. */
  show(bodies: readonly MessageBody[]): Promise<boolean>;
  /** A failure that left nothing worth keeping, shown apart (ephemeral) where the surface can. */
  fail(text: string): Promise<void>;
}

export interface RenderOptions {
  readonly mode: RequestMode;
  /** The question as asked: an analysis embed's title. */
  readonly question: string;
  readonly editIntervalMs: number;
  readonly logger: Logger;
  /** Shown under the reply while it is queued or generating (a Stop button); gone once it ends. */
  readonly whileRunning?: MessageBody["components"];
  /** Shown under a finished answer or analysis (a Regenerate button). */
  readonly whenFinished?: MessageBody["components"];
}

/** `bodies` with `controls` under the first. */
export function withControls(
  bodies: readonly MessageBody[],
  controls: MessageBody["components"],
): MessageBody[] {
  return bodies.map((body, index) => (index === 0 && controls ? { ...body, components: controls } : body));
}

/** What a reply's placeholder says before any text has streamed. */
export function placeholderFor(update: ReplyUpdate | null, mode: RequestMode): MessageBody {
  if (update?.type === "queued") return textBody(queuedText(update.position));
  if (update?.type === "summarizing") return textBody(summarizingText);
  return textBody(mode === "analyze" ? analysingText : thinkingText);
}

/**
 * Draws a reply stream: what it waits for (a long history being summarized, its queue position), the text as it grows (at most one edit
 * per interval, split into follow-up messages past Discord's 2,000 characters), then the final
 * answer, analysis embed or failure.
 */
export async function renderReply(
  updates: AsyncIterable<ReplyUpdate>,
  view: ReplyView,
  options: RenderOptions,
): Promise<void> {
  let running = true;
  const throttle = new EditThrottle(options.editIntervalMs, async (text) => {
    await view.show(withControls(textBodies(text), running ? options.whileRunning : undefined));
  });
  // The placeholder already says "thinking" unless it showed something to wait for.
  let waited = false;
  for await (const update of updates) {
    switch (update.type) {
      case "summarizing":
      case "queued":
        waited = true;
        throttle.show(placeholderFor(update, options.mode).content);
        break;
      case "started":
        if (waited) throttle.show(placeholderFor(null, options.mode).content);
        break;
      case "text":
        if (update.text.trim()) throttle.show(update.text);
        break;
      case "finished":
        running = false;
        await throttle.flush();
        await showFinal(
          view,
          withControls(
            bodiesOf(update.reply, options),
            update.reply.kind === "notice" ? undefined : options.whenFinished,
          ),
          options.logger,
        );
        break;
      case "failed":
        running = false;
        await throttle.flush();
        if (update.partialText.trim()) {
          await showFinal(
            view,
            textBodies(update.partialText + cutShortNote(update.message)),
            options.logger,
          );
        } else {
          await view.fail(failureText(update.code, update.message));
        }
        break;
      case "duplicate":
        break;
    }
  }
}

function bodiesOf(reply: Reply, options: RenderOptions): MessageBody[] {
  if (reply.kind !== "analysis") return textBodies(reply.markdown);
  // An answer's Markdown already says what could not be read; an analysis is an embed, so its
  // message says it (the front's notes and the files the service cut alike).
  const content = withReadNotes("", reply.readNotes).trim().slice(0, messageLimit);
  return [{ content, embeds: [analysisEmbed(reply.analysis, options.question)] }];
}

function textBodies(markdown: string): MessageBody[] {
  const parts = splitMarkdown(markdown, messageLimit);
  return parts.length > 0 ? parts.map(textBody) : [textBody(emptyAnswerText)];
}

function textBody(content: string): MessageBody {
  return { content, embeds: [] };
}

async function showFinal(view: ReplyView, bodies: readonly MessageBody[], logger: Logger): Promise<void> {
  if (!(await view.show(bodies))) logger.error("a reply could not be delivered in full");
}
