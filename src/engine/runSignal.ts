import { GuruError } from "../errors.js";

export interface RunSignal {
  /** Aborts on the asker's cancel, an abandoned stream, the request's timeout or a shutdown. */
  readonly signal: AbortSignal;
  /** Stops the timeout clock. */
  dispose(): void;
}

/** One signal for everything that may stop a generation; its reason says which one did. */
export function runSignal(timeoutMs: number, stoppers: readonly (AbortSignal | undefined)[]): RunSignal {
  const timeout = new AbortController();
  const timer = setTimeout(
    () =>
      timeout.abort(
        new GuruError("TIMEOUT", "The answer took too long and was stopped. Try a shorter question."),
      ),
    timeoutMs,
  );
  const signals = stoppers.filter((s): s is AbortSignal => s !== undefined);
  return {
    signal: AbortSignal.any([...signals, timeout.signal]),
    dispose: () => clearTimeout(timer),
  };
}
