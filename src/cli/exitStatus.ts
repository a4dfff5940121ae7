import { type ErrorCode, isGuruError } from "../errors.js";

/** A failure while running: a platform that cannot be reached, an answer that failed. */
export const runtimeFailureStatus = 1;

/**
 * The exit status of a command that failed with `error`. The one table of statuses: a code not
 * listed ends with the general failure status.
 */
const statusByCode: Partial<Record<ErrorCode, number>> = {
  PLATFORM_UNREACHABLE: runtimeFailureStatus,
};

export function exitStatusFor(error: unknown): number {
  return (isGuruError(error) ? statusByCode[error.code] : undefined) ?? runtimeFailureStatus;
}
