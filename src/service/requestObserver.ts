import type { GenerationUsage } from "../engine/generationTypes.js";
import type { ErrorCode } from "../errors.js";
import type { RequestMode } from "./conversationRequest.js";
import type { ReplyUpdate } from "./replyUpdate.js";

/**
 * How a request ended. `refused`: Guru would not take it (a full queue, too long, shutting down);
 * `failed`: it was taken and went wrong (cut short, timed out, cancelled); `duplicate`: a platform
 * delivered an event already answered.
 */
export type RequestOutcome =
  | { readonly kind: "answered"; readonly usage: GenerationUsage | null }
  | { readonly kind: "refused"; readonly code: ErrorCode }
  | { readonly kind: "failed"; readonly code: ErrorCode }
  | { readonly kind: "duplicate" };

export interface RequestReport {
  /** The conversation's platform: `slack`, `discord`, `mcp`, `terminal`. */
  readonly front: string;
  readonly mode: RequestMode;
  readonly outcome: RequestOutcome;
  /** From the service taking the request to its last update. */
  readonly durationMs: number;
}

/** Told of every request the service handles, for the operations front's metrics; never slows it down. */
export interface RequestObserver {
  requestStarted(front: string): void;
  requestEnded(report: RequestReport): void;
}

/** Codes that mean Guru declined the request rather than failed at it. */
const refusals: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "QUEUE_FULL",
  "USER_QUEUE_FULL",
  "SHUTTING_DOWN",
  "RATE_LIMITED",
  "INPUT_TOO_LONG",
  "INPUT_EMPTY",
  "NOT_ALLOWED",
]);

/** The outcome a request's last update tells; a stream abandoned before its end was cancelled. */
export function outcomeOf(last: ReplyUpdate | undefined): RequestOutcome {
  switch (last?.type) {
    case "finished":
      return { kind: "answered", usage: "usage" in last.reply ? last.reply.usage : null };
    case "failed":
      return refusals.has(last.code)
        ? { kind: "refused", code: last.code }
        : { kind: "failed", code: last.code };
    case "duplicate":
      return { kind: "duplicate" };
    default:
      return { kind: "failed", code: "CANCELLED" };
  }
}
