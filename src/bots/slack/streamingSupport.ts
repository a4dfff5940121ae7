/**
 * Slack's error codes that mean the workspace (or the app's plan there) has no streaming
 * messages: the method is unknown to it, or the app may not call it. Anything else (a channel
 * Guru left, a failed connection) says nothing about the workspace.
 */
const unsupportedCodes = new Set([
  "unknown_method",
  "not_allowed",
  "not_allowed_token_type",
  "method_deprecated",
  "missing_scope",
  "feature_not_enabled",
  "team_not_allowed",
]);

/**
 * Whether this workspace takes `chat.startStream`: unknown until the first try, then remembered
 * for as long as the bot runs (a Slack app runs in one workspace per process here).
 */
export class StreamingSupport {
  private state: "unknown" | "supported" | "unsupported" = "unknown";

  /** Whether a reply should try to stream. */
  get worthTrying(): boolean {
    return this.state !== "unsupported";
  }

  started(): void {
    this.state = "supported";
  }

  /** The first call failed with `code`: true (and remembered) when it says streaming is not there. */
  refused(code: string): boolean {
    if (this.state === "supported" || !unsupportedCodes.has(code)) return false;
    this.state = "unsupported";
    return true;
  }
}
