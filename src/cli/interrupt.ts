import { GuruError } from "../errors.js";

/**
 * SIGINT and SIGTERM ask a command to stop cleanly: the returned signal aborts, so the answer in
 * progress is cut short and kept (marked interrupted), the database is closed, and the process
 * exits 0. The listeners stay for the process's life, so a signal while the model loads or while
 * the process winds down is clean too. Only the first signal is taken: a second one ends a stop
 * that hangs the default way.
 */
export function stopOnSignals(signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): AbortSignal {
  const controller = new AbortController();
  const listener = (signal: NodeJS.Signals) => {
    for (const name of signals) process.off(name, listener);
    controller.abort(stopReason(signal));
  };
  for (const name of signals) process.on(name, listener);
  return controller.signal;
}

function stopReason(signal: NodeJS.Signals): GuruError {
  const kept = "the answer so far is kept, marked interrupted.";
  return signal === "SIGINT"
    ? new GuruError("CANCELLED", `Stopped by Ctrl-C (SIGINT): ${kept}`)
    : new GuruError("SHUTTING_DOWN", `Stopped by ${signal}: ${kept}`);
}
