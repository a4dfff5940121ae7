import { createHmac } from "node:crypto";

/** Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function slackSignature(secret: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestampSeconds}:${body}`).digest("hex")}`;
}

export interface SignedPost {
  readonly body: string;
  readonly contentType: "application/json" | "application/x-www-form-urlencoded";
  readonly secret: string;
  /** Seconds since the epoch; now unless a test sends a stale request. */
  readonly timestampSeconds?: number;
  /** Sent as `X-Slack-Retry-Num` (and a reason), as Slack does on redelivery. */
  readonly retryNum?: number;
  /** Replaces the computed signature (a forged request). */
  readonly signature?: string;
}

export interface HttpDelivery {
  readonly status: number;
  readonly body: string;
  /** From sending the request to its response: the app's ack. */
  readonly ms: number;
}

/** Delivers one request to the app's HTTP endpoint the way Slack does, signed. */
export async function postSigned(url: string, post: SignedPost): Promise<HttpDelivery> {
  const timestamp = post.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": post.contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": post.signature ?? slackSignature(post.secret, timestamp, post.body),
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
  };
  if (post.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(post.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: post.body,
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started };
}
