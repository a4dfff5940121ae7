import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type ErrorCode, isGuruError } from "../errors.js";
import type { Logger } from "../log/logger.js";

/** Guru's stable codes, plus one for what should never happen (a bug: the log has the cause). */
export type ToolErrorCode = ErrorCode | "INTERNAL";

/** The key under which a failed call's `_meta` carries its stable code, for clients that switch on it. */
export const errorCodeMetaKey = "guru/errorCode";

/** A tool-level error (`isError`): the calling model reads the message and can try again differently. */
export function errorResult(code: ToolErrorCode, message: string): CallToolResult {
  return {
    content: [{ type: "text", text: `GURU_${code}: ${message}` }],
    isError: true,
    _meta: { [errorCodeMetaKey]: code },
  };
}

export function errorResultOf(error: unknown, logger: Logger): CallToolResult {
  if (isGuruError(error)) {
    // The client reads the message; the log gets the cause (a database error, say) to fix it.
    if (error.cause !== undefined) logger.warn(`tool call failed: ${error.code}`, { error: error.cause });
    return errorResult(error.code, error.message);
  }
  logger.error("tool call failed", { error });
  return errorResult("INTERNAL", "Something went wrong inside Guru; its log has the details.");
}

export function structuredResult(structuredContent: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent };
}
