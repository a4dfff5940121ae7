/**
 * Coalesces a stream of "show this text now" requests into edits at most once per interval,
 * always showing the newest text; edits never overlap, and `flush` waits for the last one.
 */
export class EditThrottle {
  private latest: string | null = null;
  private shown: string | null = null;
  private lastEditAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly edit: (text: string) => Promise<void>,
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

  /** Cancels any pending edit and waits for the one in flight. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  private async editLatest(): Promise<void> {
    const text = this.latest;
    if (text === null || text === this.shown) return;
    this.lastEditAt = Date.now();
    this.shown = text;
    await this.edit(text);
  }
}
