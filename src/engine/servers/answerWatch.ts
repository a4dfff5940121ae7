import { ServerFailure } from "./serverBackend.js";

/**
 * Follows one request on a server for the server leaving rotation. Before its first text, leaving
 * aborts `signal` at once with a failure that lets the request move to another server. After
 * it, the answer cannot move (the asker has part of it), and a server out of rotation may only be
 * slow, so the answer goes on while text keeps coming; a silence of `stallMs` aborts it. That
 * is a wedged server (llama-server deadlocked in its SIGTERM handler answers `/health` and
 * nothing else), which would otherwise hold the asker until the request timeout.
 */
export class AnswerWatch {
  private readonly controller = new AbortController();
  private lastTextAt: number | undefined;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly stallMs: number,
    private readonly onSettle: (watch: AnswerWatch) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Text arrived from the server. */
  text(): void {
    this.lastTextAt = performance.now();
  }

  serverLeft(reason: string): void {
    if (this.lastTextAt === undefined) {
      this.abort(`${this.url} left rotation before answering: ${reason}`, false);
      return;
    }
    this.armStall();
  }

  serverBack(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  /** The request is over: stop watching. */
  settle(): void {
    this.serverBack();
    this.onSettle(this);
  }

  private armStall(): void {
    const silentFor = performance.now() - (this.lastTextAt ?? 0);
    this.stallTimer = setTimeout(
      () => {
        if (performance.now() - (this.lastTextAt ?? 0) < this.stallMs) this.armStall();
        else
          this.abort(
            `${this.url} left rotation and has sent nothing for ${Number((this.stallMs / 1000).toFixed(1))} s`,
            true,
          );
      },
      Math.max(this.stallMs - silentFor, 0),
    );
  }

  private abort(message: string, started: boolean): void {
    this.settle();
    this.controller.abort(new ServerFailure(message, { started, serverFault: false }));
  }
}
