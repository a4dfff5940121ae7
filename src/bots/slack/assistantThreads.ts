import type { ReplyUpdate } from "../../service/replyUpdate.js";
import type { ReplyPlace } from "./replyView.js";
import { ignoreSlackFailure } from "./slackFailure.js";
import type { SlackWebApi } from "./slackWebApi.js";

export const generatingStatus = "is thinking…";
export const summarizingStatus = "is reading back through this conversation…";

/** The status line for a reply waiting at `position` (1: served next). */
export function waitingStatus(position: number): string {
  return position <= 1 ? "waiting — next in line" : `waiting — ${position - 1} ahead`;
}

/**
 * The assistant pane's threads this process has seen, and their status line: set while a reply
 * there is queued and generating (instead of a placeholder message), cleared when it is shown.
 * Slack keeps the line until it is cleared, the app posts in the thread, or two minutes pass.
 */
export class AssistantThreads {
  private readonly threads = new Set<string>();
  private readonly titled = new Set<string>();

  constructor(
    private readonly api: SlackWebApi,
    /** Slack drops a status line after two minutes without a message: a long wait sets it again. */
    private readonly refreshMs = 90_000,
  ) {}

  add(channel: string, threadTs: string): void {
    this.threads.add(key(channel, threadTs));
  }

  has(place: ReplyPlace): boolean {
    return place.threadTs !== undefined && this.threads.has(key(place.channel, place.threadTs));
  }

  /** True the first time it is asked for a thread: its first question names it. */
  needsTitle(channel: string, threadTs: string): boolean {
    const id = key(channel, threadTs);
    if (this.titled.has(id)) return false;
    this.titled.add(id);
    return true;
  }

  /** Passes a reply's updates through, keeping the thread's status line in step with them. */
  async *withStatus(place: ReplyPlace, updates: AsyncIterable<ReplyUpdate>): AsyncGenerator<ReplyUpdate> {
    const threadTs = place.threadTs;
    if (threadTs === undefined || !this.has(place)) return yield* updates;
    let shown = "";
    let sent: Promise<void> = Promise.resolve();
    // Sends go one after another, so a refresh can never land after the line was cleared.
    const send = (status: string) => {
      // The answer matters more than its status line.
      sent = sent.then(() =>
        ignoreSlackFailure(this.api.setAssistantStatus(place.channel, threadTs, status)),
      );
      return sent;
    };
    const refresh = setInterval(() => {
      if (shown) void send(shown);
    }, this.refreshMs);
    refresh.unref();
    const show = (status: string) => {
      if (status === shown) return;
      shown = status;
      return send(status);
    };
    try {
      for await (const update of updates) {
        // The status line stands in for the placeholder: a message posted in the thread would
        // clear it at once, as Slack clears it when the app replies.
        if (update.type === "queued") await show(waitingStatus(update.position));
        else if (update.type === "summarizing") await show(summarizingStatus);
        else if (update.type === "started") await show(generatingStatus);
        else {
          if (update.type === "finished" || update.type === "failed") await show("");
          yield update;
        }
      }
    } finally {
      clearInterval(refresh);
      await show("");
      await sent;
    }
  }
}

function key(channel: string, threadTs: string): string {
  return `${channel}:${threadTs}`;
}
