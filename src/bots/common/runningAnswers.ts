import { GuruError } from "../../errors.js";

/** What a Stop press came to: done, refused (not the asker nor an admin), or too late. */
export type StopOutcome = "stopped" | "notAllowed" | "notRunning";

interface RunningAnswer {
  readonly asker: string;
  readonly controller: AbortController;
}

/** What the stopped answer says under its partial text. */
export function stoppedNote(byAsker: boolean): string {
  return byAsker ? "Stopped by the person who asked." : "Stopped by an admin.";
}

/**
 * The answers this process is generating or has queued, by the id their Stop button carries, so
 * a press can abort the request's signal: the engine drops it from the queue or frees its slot at
 * once, and the service keeps the partial answer marked interrupted (`CANCELLED`). An answer a
 * dead process was running is not here: a press on it is told so.
 */
export class RunningAnswers {
  private readonly answers = new Map<string, RunningAnswer>();

  /** Registers an answer asked by `asker` (that `controller` aborts); `end` once it has been shown. */
  start(
    id: string,
    asker: string,
    controller = new AbortController(),
  ): { readonly signal: AbortSignal; readonly end: () => void } {
    const running = { asker, controller };
    this.answers.set(id, running);
    return {
      signal: running.controller.signal,
      end: () => {
        if (this.answers.get(id) === running) this.answers.delete(id);
      },
    };
  }

  /** Runs `work` as the answer `id` asked by `asker`, with the signal a Stop press aborts. */
  async run<T>(id: string, asker: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const running = this.start(id, asker);
    try {
      return await work(running.signal);
    } finally {
      running.end();
    }
  }

  /** Stops the answer `id` for `presser`, if they asked it or are an admin. */
  stop(id: string, presser: string, isAdmin: boolean): StopOutcome {
    const running = this.answers.get(id);
    if (!running || running.controller.signal.aborted) return "notRunning";
    const byAsker = running.asker === presser;
    if (!byAsker && !isAdmin) return "notAllowed";
    running.controller.abort(new GuruError("CANCELLED", stoppedNote(byAsker)));
    return "stopped";
  }
}
