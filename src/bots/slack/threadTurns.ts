import type { ReplyPlace } from "./replyView.js";

export interface ReplyTurn {
  /** Resolves once every earlier reply in the same place has been shown in full. */
  readonly ready: Promise<void>;
  /** This reply is shown in full (or given up): the next one may start. */
  readonly done: () => void;
}

/**
 * Replies in one thread (or one DM's top level) take turns, in the order their questions came.
 * Slack appends each message at the end of the thread, so a later reply's first message posted
 * before an earlier reply's continuations would split that answer; and calls made close together
 * may land in any order when the Web API is slow.
 */
export class ThreadTurns {
  private readonly last = new Map<string, Promise<void>>();

  take(place: ReplyPlace): ReplyTurn {
    const key = `${place.channel}/${place.threadTs ?? ""}`;
    const ready = this.last.get(key) ?? Promise.resolve();
    let done = () => {};
    const shown = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = ready.then(() => shown);
    this.last.set(key, tail);
    void tail.then(() => {
      if (this.last.get(key) === tail) this.last.delete(key);
    });
    return { ready, done };
  }
}
