import type { types } from "@slack/bolt";
import type { EditBudget, EditBudgetPolicy, EditPriority } from "../common/editBudget.js";
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
  /** What must have been shown before the first message is posted (earlier replies in the thread). */
  readonly after?: Promise<void>;
}

/** Under `chat.update`'s limit (it fails near 4,000 characters), with room to spare. */
export const messageLimit = 3900;

/**
 * `chat.update` is a Tier 3 method: 50+ calls a minute per workspace
 * (https://api.slack.com/apis/rate-limits). 40 a minute with bursts of 8 keeps any minute under 50.
 */
export const chatUpdateBudget: EditBudgetPolicy = { perMinute: 40, burst: 8, finalReserve: 4 };

interface ShownMessage {
  readonly ts: string;
  content: MessageContent;
}

/**
 * The Slack messages that show one reply: the first (the placeholder) is edited as the reply
 * grows, and what does not fit continues in further messages in the same place, split at
 * paragraph or code-fence boundaries with fences balanced in every part. Unchanged messages are
 * not edited again. Every `chat.update` is drawn from the workspace's edit budget. Failed calls are
 * logged (with Slack's error code) by the API layer and never thrown from here; when not even the
 * first message could be posted the view is `unreachable`.
 */
export class ReplyView {
  private readonly shown: ShownMessage[] = [];
  /** Slack's error code when it refused the first message. */
  private refusedWith: string | null = null;
  /** Edits already granted by `waitEditTurn`, not yet made. */
  private granted = 0;
  /** Buttons shown under the first message (Stop while the reply runs); none when null. */
  controls: types.ActionsBlock | null = null;

  constructor(
    private readonly api: SlackWebApi,
    private readonly place: ReplyPlace,
    private readonly edits: EditBudget,
    private readonly options: ReplyViewOptions = {},
  ) {
    // Its text is unknown here: any content differs from it, so the first show edits it.
    if (options.placeholderTs) this.shown.push({ ts: options.placeholderTs, content: { text: "" } });
  }

  /** The first message's ts, once posted (or given as the placeholder). */
  get firstTs(): string | undefined {
    return this.shown[0]?.ts;
  }

  /** Slack refused the first message: nobody can see this reply. */
  get unreachable(): boolean {
    return this.refusedWith !== null;
  }

  /** Slack's error code for the first message it refused; null while the reply shows. */
  get refusal(): string | null {
    return this.refusedWith;
  }

  /**
   * Waits for this reply's turn at a streaming edit. The first message is a post, not an edit, and
   * goes at once.
   */
  async waitEditTurn(signal: AbortSignal): Promise<void> {
    if (this.shown.length === 0 || this.unreachable) return;
    if (await this.edits.take("interim", signal)) this.granted += 1;
  }

  showText(mrkdwn: string, priority: EditPriority = "final"): Promise<void> {
    return this.show(
      splitMarkdown(mrkdwn, messageLimit).map((text) => ({ text })),
      priority,
    );
  }

  /** Block Kit in one message; `text` is the notification and fallback. */
  showBlocks(text: string, blocks: types.KnownBlock[]): Promise<void> {
    const fallback = splitMarkdown(text, messageLimit)[0] ?? "";
    return this.show([{ text: fallback, blocks }], "final");
  }

  /** Deletes the messages shown so far: the reply now lives in another message. */
  async remove(): Promise<void> {
    for (const message of this.shown.splice(0)) {
      try {
        await this.api.delete(this.place.channel, message.ts);
      } catch (error) {
        if (!(error instanceof SlackCallError)) throw error;
      }
    }
  }

  private async show(parts: readonly MessageContent[], priority: EditPriority): Promise<void> {
    if (this.unreachable || parts.length === 0) return this.returnGranted();
    try {
      for (const [index, bare] of parts.entries()) {
        const part = index === 0 ? withControls(bare, this.controls) : bare;
        const message = this.shown[index];
        if (!message) {
          if (this.shown.length === 0) await this.options.after;
          const ts = await this.api.post(
            { ...this.place, ...part },
            index === 0 ? this.options.marker : undefined,
          );
          this.shown.push({ ts, content: part });
          if (index === 0) this.options.onPosted?.(ts);
        } else if (!sameContent(message.content, part)) {
          await this.takeEdit(priority);
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
      if (this.shown.length === 0) this.refusedWith = error.code;
    } finally {
      this.returnGranted();
    }
  }

  private async takeEdit(priority: EditPriority): Promise<void> {
    if (this.granted > 0) this.granted -= 1;
    else await this.edits.take(priority);
  }

  /** A granted edit this showing did not need goes back to the other replies. */
  private returnGranted(): void {
    for (; this.granted > 0; this.granted -= 1) this.edits.refund();
  }
}

function sameContent(a: MessageContent, b: MessageContent): boolean {
  return a.text === b.text && JSON.stringify(a.blocks) === JSON.stringify(b.blocks);
}

/** Section blocks hold at most 3,000 characters of text each. */
const sectionLimit = 3000;

/** The message with `controls` under it: its text moves into section blocks, which show instead. */
function withControls(content: MessageContent, controls: types.ActionsBlock | null): MessageContent {
  if (!controls) return content;
  const blocks: types.KnownBlock[] =
    content.blocks ??
    splitMarkdown(content.text, sectionLimit).map((text) => ({
      type: "section",
      text: { type: "mrkdwn", text },
    }));
  return { text: content.text, blocks: [...blocks, controls] };
}
