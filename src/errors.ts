/**
 * One error type for everything Guru reports to a person. The `code` is stable (scripts and
 * bots switch on it); the `message` says what to do next; the `cause` is for logs only.
 */
export const errorCodes = [
  "MODEL_NOT_FOUND",
  "MODEL_INVALID",
  "MODEL_DOWNLOAD_FAILED",
  "CONFIG_INVALID",
  "NOT_CONFIGURED",
  "PLATFORM_UNREACHABLE",
  "QUEUE_FULL",
  "USER_QUEUE_FULL",
  "SHUTTING_DOWN",
  "RESTARTED",
  "CANCELLED",
  "TIMEOUT",
  "RATE_LIMITED",
  "INPUT_TOO_LONG",
  "INPUT_EMPTY",
  "GENERATION_FAILED",
  "ENGINE_UNAVAILABLE",
  "DATABASE_FAILED",
  "DATABASE_TOO_NEW",
  "NOT_ALLOWED",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class GuruError extends Error {
  override readonly name = "GuruError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The form shown on a terminal: `GURU_MODEL_NOT_FOUND: …`. */
  get label(): string {
    return `GURU_${this.code}`;
  }
}

export function isGuruError(error: unknown, code?: ErrorCode): error is GuruError {
  return error instanceof GuruError && (code === undefined || error.code === code);
}
