import type { types } from "@slack/bolt";
import { splitMarkdown } from "../common/markdownChunker.js";
import { type MessageContent, SlackCallError, type SlackWebApi } from "./slackWebApi.js";

/** Where a reply goes: a channel, and the thread in it (absent: the top level, as in a DM). */
export interface ReplyPlace {
  readonly channel: string;
  readonly threadTs?: string;
}

export interface ReplyViewOptions {
  /** A placeholder already in Slack (left by an earlier run) to edit instead of posting a new one. */
  readonly placeholderTs?: string;
  /** Called once the first message has been posted, with its ts. */
  readonly onPosted?: (ts: string) => void;
  /** The first message's unique id (see `SlackWebApi.post`), so it can be found even if its ts was lost. */
  readonly marker?: string;
}

/** Under `chat.update`'s limit (it fails near 4,000 characters), with room to spare. */
export const messageLimit = 3900;

interface ShownMessage {
  readonly ts: string;
  content: MessageContent;
}

/**
 * The Slack messages that show one reply: the first (the placeholder) is edited as the reply
 * grows, and what does not fit continues in further messages in the same place, split at
 * paragraph or code-fence boundaries with fences balanced in every part. Unchanged messages are
 * not edited again. Failed calls are logged (with Slack's error code) by the API layer and never
 * thrown from here; when not even the first message could be posted the view is `unreachable`.
 */
export class ReplyView {
  private readonly shown: ShownMessage[] = [];
  private refused = false;

  constructor(
    private readonly api: SlackWebApi,
    private readonly place: ReplyPlace,
    private readonly options: ReplyViewOptions = {},
  ) {
    // Its text is unknown here: any content differs from it, so the first show edits it.
    if (options.placeholderTs) this.shown.push({ ts: options.placeholderTs, content: { text: "" } });
  }

  /** Slack refused the first message: nobody can see this reply. */
  get unreachable(): boolean {
    return this.refused;
  }

  showText(mrkdwn: string): Promise<void> {
    return this.show(splitMarkdown(mrkdwn, messageLimit).map((text) => ({ text })));
  }

  /** Block Kit in one message; `text` is the notification and fallback. */
  showBlocks(text: string, blocks: types.KnownBlock[]): Promise<void> {
    const fallback = splitMarkdown(text, messageLimit)[0] ?? "";
    return this.show([{ text: fallback, blocks }]);
  }

  private async show(parts: readonly MessageContent[]): Promise<void> {
    if (this.refused || parts.length === 0) return;
    try {
      for (const [index, part] of parts.entries()) {
        const message = this.shown[index];
        if (!message) {
          const ts = await this.api.post(
            { ...this.place, ...part },
            index === 0 ? this.options.marker : undefined,
          );
          this.shown.push({ ts, content: part });
          if (index === 0) this.options.onPosted?.(ts);
        } else if (!sameContent(message.content, part)) {
          await this.api.update(this.place.channel, message.ts, part);
          message.content = part;
        }
      }
      // A reply that became shorter (a failure notice replacing a long partial answer).
      while (this.shown.length > parts.length) {
        const extra = this.shown.at(-1);
        if (extra) await this.api.delete(this.place.channel, extra.ts);
        this.shown.pop();
      }
    } catch (error) {
      if (!(error instanceof SlackCallError)) throw error;
      if (this.shown.length === 0) this.refused = true;
    }
  }
}

function sameContent(a: MessageContent, b: MessageContent): boolean {
  return a.text === b.text && a.blocks === undefined && b.blocks === undefined;
}
