/**
 * Coalesces a stream of "show this text now" requests into edits at most once per interval,
 * always showing the newest text; edits never overlap, and `flush` waits for the last one.
 * `waitTurn`, when given, is awaited before each edit picks its text (a budget shared with other
 * replies); `flush` aborts that wait.
 */
export class EditThrottle {
  private latest: string | null = null;
  private shown: string | null = null;
  private lastEditAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  /**
   * Made only for an edit that waits its turn: every reply is flushed, most never waited, and an
   * abort without a reason builds an AbortError with its stack (a flood's refusals paid it each).
   */
  private waiting: AbortController | null = null;
  private flushed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly edit: (text: string) => Promise<void>,
    private readonly waitTurn?: (signal: AbortSignal) => Promise<void>,
  ) {}

  show(text: string): void {
    this.latest = text;
    if (this.timer) return;
    const wait = Math.max(0, this.lastEditAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(() => this.editLatest());
    }, wait);
  }

  /** Cancels any pending edit (and its wait for a turn) and waits for the one in flight. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushed = true;
    this.waiting?.abort();
    await this.running;
  }

  private async editLatest(): Promise<void> {
    if (this.latest === null || this.latest === this.shown) return;
    if (this.waitTurn) {
      if (this.flushed) return;
      this.waiting ??= new AbortController();
      await this.waitTurn(this.waiting.signal);
      if (this.flushed) return;
    }
    // The newest text once it is this reply's turn, not the one that asked for the turn.
    const text = this.latest;
    if (text === null || text === this.shown) return;
    this.lastEditAt = Date.now();
    this.shown = text;
    await this.edit(text);
  }
}
