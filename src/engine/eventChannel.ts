/**
 * A push-to-pull bridge: callbacks (queue positions, tokens) push values, one consumer reads
 * them with `for await`. Nothing is dropped; the producer never waits. A consumer that stops
 * reading early (`break`) triggers `onAbandon`, so the work behind the stream can stop too.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  constructor(private readonly onAbandon: () => void = () => {}) {}

  private readonly buffer: T[] = [];
  private pending: ((result: IteratorResult<T>) => void) | null = null;
  private pendingReject: ((error: unknown) => void) | null = null;
  private finished = false;
  private failure: { error: unknown } | null = null;

  push(value: T): void {
    if (this.finished) return;
    if (this.pending) {
      const resolve = this.pending;
      this.pending = null;
      this.pendingReject = null;
      resolve({ value, done: false });
    } else {
      this.buffer.push(value);
    }
  }

  end(): void {
    this.finished = true;
    this.settlePending();
  }

  fail(error: unknown): void {
    if (this.finished) return;
    this.failure = { error };
    this.finished = true;
    this.settlePending();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const value = this.buffer.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.failure) return Promise.reject(this.failure.error);
        if (this.finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.pending = resolve;
          this.pendingReject = reject;
        });
      },
      return: () => {
        if (!this.finished) this.onAbandon();
        this.finished = true;
        this.buffer.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private settlePending(): void {
    if (!this.pending) return;
    if (this.buffer.length > 0) return;
    const resolve = this.pending;
    const reject = this.pendingReject;
    this.pending = null;
    this.pendingReject = null;
    if (this.failure) reject?.(this.failure.error);
    else resolve({ value: undefined, done: true });
  }
}
