import { GuruError } from "../errors.js";

/** The coded error behind an abort: a timeout and a shutdown say so, anything else is a cancel. */
export function abortReason(signal: AbortSignal): GuruError {
  const reason: unknown = signal.reason;
  if (reason instanceof GuruError) return reason;
  return new GuruError("CANCELLED", "The request was cancelled.", { cause: reason });
}
