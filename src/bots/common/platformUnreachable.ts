import { GuruError } from "../../errors.js";

/** What a person reads for each way a connection can fail before the platform answers. */
const reasons: ReadonlyArray<readonly [RegExp, string]> = [
  [/^ECONNREFUSED$/, "connection refused"],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)$/, "DNS lookup failed"],
  [/^(ETIMEDOUT|ECONNABORTED|ESOCKETTIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT)$/, "timed out"],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/, "connection reset"],
  [/^(EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN)$/, "no route to the host"],
  [
    /^(EPROTO|ERR_TLS_\w+|ERR_SSL_\w+|CERT_\w+|\w*SELF_SIGNED\w*|UNABLE_TO_\w+|DEPTH_ZERO_\w+)$/,
    "TLS handshake failed",
  ],
];

/** Error names that mean "no answer in time" (fetch's and AbortSignal.timeout's). */
const timeoutNames = new Set(["AbortError", "TimeoutError", "ConnectTimeoutError"]);

/**
 * Why `error` is a failure to reach the other end at all (refused, DNS, timeout, reset, TLS), or
 * null when the platform did answer (a refusal of the credentials, an error status). Libraries
 * wrap the socket's error differently (`cause`, Slack's `original`, `AggregateError.errors`), so
 * the whole chain is searched.
 */
export function unreachableReason(error: unknown): string | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, name, cause, original, errors } = current as Record<string, unknown>;
    if (typeof code === "string") {
      const found = reasons.find(([pattern]) => pattern.test(code));
      if (found) return `${found[1]}: ${code}`;
    }
    if (typeof name === "string" && timeoutNames.has(name)) return "timed out";
    queue.push(cause, original, ...(Array.isArray(errors) ? errors : []));
  }
  return null;
}

/** The reason as `unreachableReason` names it, else the innermost error's own words. */
export function failureReason(error: unknown): string {
  let innermost: unknown = error;
  for (let depth = 0; depth < 8; depth++) {
    const next =
      (innermost as { cause?: unknown; original?: unknown } | null)?.cause ??
      (innermost as { original?: unknown } | null)?.original;
    if (typeof next !== "object" || next === null) break;
    innermost = next;
  }
  return unreachableReason(error) ?? (innermost instanceof Error ? innermost.message : String(innermost));
}

export interface PlatformEndpoint {
  /** "Slack", "Discord", "the Discord gateway". */
  readonly platform: string;
  readonly url: string;
  /** The variable that moves the URL (`SLACK_API_URL`), and whether it is set to another address. */
  readonly urlVariable: string;
  readonly overridden: boolean;
  /** What to check about the URL, when not the variable (an address the platform gave). */
  readonly urlAdvice?: string;
}

/** `GURU_PLATFORM_UNREACHABLE`, naming the URL and what to check. */
export function platformUnreachable(endpoint: PlatformEndpoint, reason: string, cause?: unknown): GuruError {
  const urlAdvice =
    endpoint.urlAdvice ??
    (endpoint.overridden
      ? `${endpoint.urlVariable} is set to this address: check that it is right and that what it points at is running.`
      : `If ${endpoint.platform} is reached through another address here, set ${endpoint.urlVariable}.`);
  return new GuruError(
    "PLATFORM_UNREACHABLE",
    `Cannot reach ${endpoint.platform} at ${endpoint.url} (${reason}). Check this machine's network ` +
      `connection and any proxy or firewall on the way. ${urlAdvice}`,
    { cause },
  );
}
