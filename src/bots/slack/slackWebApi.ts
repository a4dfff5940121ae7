import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { type Logger as BoltLogger, type types, webApi } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../../log/logger.js";
import { type ThreadMessage, threadMessageSchema } from "./slackPayloads.js";

export interface RetryPolicy {
  /** Tries per call, the first included. */
  readonly attempts: number;
  /** The wait before the second try, doubled before each later one; a 429's `Retry-After` wins. */
  readonly backoffMs: number;
  /** A request without a response by then counts as failed (and may have landed). */
  readonly timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, backoffMs: 1000, timeoutMs: 30_000 };

/** A Web API call that failed for good; `code` is Slack's error code (`not_in_channel`, `http_503`, …). */
export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`Slack ${method} failed: ${code}`, options);
  }
}

export interface MessageContent {
  readonly text: string;
  readonly blocks?: types.KnownBlock[];
}

export interface OutgoingMessage extends MessageContent {
  readonly channel: string;
  /** The thread to reply in; absent: a top-level message. */
  readonly threadTs?: string;
}

export interface BotIdentity {
  readonly userId: string;
  readonly botId: string;
  readonly teamId: string;
  /** The workspace's and the bot user's names, for people to read (`auth.test`'s `team`, `user`). */
  readonly teamName: string;
  readonly userName: string;
}

/**
 * How a failed call may be retried. `rejected`: Slack refused it (429), so it surely did not
 * take effect; wait as told and send it again. `uncertain`: a 5xx, a timeout or a broken
 * connection, after which the call may or may not have taken effect. `permanent`: retrying
 * cannot help.
 */
type Failure =
  | { readonly kind: "rejected"; readonly code: string; readonly waitMs: number }
  | { readonly kind: "uncertain"; readonly code: string }
  | { readonly kind: "permanent"; readonly code: string };

/** Slack's own "try again" error codes. */
const transientCodes = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
]);

const replyMarkerType = "guru_reply";

const identitySchema = z.object({
  user_id: z.string(),
  bot_id: z.string(),
  team_id: z.string(),
  team: z.string().default(""),
  user: z.string().default(""),
});
const postedSchema = z.object({ ts: z.string() });
const openedSchema = z.object({ channel: z.object({ id: z.string() }) });
const uploadTargetSchema = z.object({ upload_url: z.string(), file_id: z.string() });
const threadPageSchema = z.object({
  messages: z.array(z.unknown()).default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/** Messages in one thread read at most: a longer thread's earliest ones are what Guru reads. */
const maxThreadPages = 10;
const threadPageSize = 200;

const listingSchema = z.object({
  messages: z.array(
    z.object({
      ts: z.string(),
      metadata: z
        .object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()) })
        .optional(),
    }),
  ),
});

/**
 * The Web API calls Guru makes, with one retry policy. The WebClient itself never retries
 * (`retries: 0`, `rejectRateLimitedCalls`): a 429 waits its `Retry-After` and is sent again, an
 * uncertain failure of an idempotent call (an edit, a lookup) is sent again, and an uncertain
 * failure of `chat.postMessage` first looks for the message in the conversation — each post
 * carries a unique marker in its message metadata — so a message that landed is never posted twice.
 */
export class SlackWebApi {
  private constructor(
    private readonly client: webApi.WebClient,
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
    private readonly onRateLimited: (method: string, waitMs: number) => void,
    private readonly onCallFailed: (method: string, code: string) => void,
  ) {}

  static create(options: {
    token: string;
    apiUrl: string;
    policy: RetryPolicy;
    logger: Logger;
    boltLogger: BoltLogger;
    /** The HTTP transport (`SlackTransport`'s); the platform's fetch if absent. */
    fetch?: typeof fetch;
    /** Slack answered a call with 429: told before the call waits out `Retry-After`. */
    onRateLimited?: (method: string, waitMs: number) => void;
    /** Slack answered a call with an error other than 429 (or none came): told of each try. */
    onCallFailed?: (method: string, code: string) => void;
  }): SlackWebApi {
    const client = new webApi.WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.policy.timeoutMs,
      logger: options.boltLogger,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    return new SlackWebApi(
      client,
      options.policy,
      options.logger,
      options.onRateLimited ?? (() => {}),
      options.onCallFailed ?? (() => {}),
    );
  }

  async whoAmI(): Promise<BotIdentity> {
    const result = identitySchema.parse(await this.call("auth.test", {}));
    return {
      userId: result.user_id,
      botId: result.bot_id,
      teamId: result.team_id,
      teamName: result.team,
      userName: result.user,
    };
  }

  /** `marker`: the post's unique id, by which `findPost` finds it again (a fresh one unless given). */
  async post(message: OutgoingMessage, marker: string = randomUUID()): Promise<string> {
    // Slack's clock and ours may differ: look a few minutes back.
    const since = (Date.now() / 1000 - 300).toFixed(6);
    const args = {
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: replyMarkerType, event_payload: { post: marker } },
    };
    const result = await this.retrying<unknown>(
      "chat.postMessage",
      () => this.client.apiCall("chat.postMessage", args),
      () => this.findPosted(message, marker, since),
    );
    return postedSchema.parse(result).ts;
  }

  /** The ts of the message posted at `place` with `marker`, if it landed (among the latest 100–200). */
  async findPost(
    place: Pick<OutgoingMessage, "channel" | "threadTs">,
    marker: string,
  ): Promise<string | null> {
    const found = await this.findPosted({ ...place, text: "" }, marker, "0");
    return found?.ts ?? null;
  }

  async update(channel: string, ts: string, content: MessageContent): Promise<void> {
    await this.call("chat.update", {
      channel,
      ts,
      text: content.text,
      // An update without blocks keeps the old ones: send an empty list to drop them.
      blocks: content.blocks ?? [],
    });
  }

  /**
   * Starts a streamed reply in a thread (`chat.startStream`); resolves with its ts. Sent once:
   * an uncertain failure is not retried (a second start would be a second message).
   */
  async startStream(stream: {
    channel: string;
    threadTs: string;
    recipientUser: string;
    recipientTeam: string;
    markdown: string;
  }): Promise<string> {
    const args = {
      channel: stream.channel,
      thread_ts: stream.threadTs,
      recipient_user_id: stream.recipientUser,
      recipient_team_id: stream.recipientTeam,
      ...(stream.markdown ? { markdown_text: stream.markdown } : {}),
    };
    const result = await this.retrying<unknown>(
      "chat.startStream",
      () => this.client.apiCall("chat.startStream", args),
      undefined,
      true,
    );
    return postedSchema.parse(result).ts;
  }

  /** Appends to a streamed reply; like the start, never sent twice. */
  async appendStream(channel: string, ts: string, markdown: string): Promise<void> {
    const args = { channel, ts, markdown_text: markdown };
    await this.retrying(
      "chat.appendStream",
      () => this.client.apiCall("chat.appendStream", args),
      undefined,
      true,
    );
  }

  /** Ends a streamed reply with its last text (if any). */
  async stopStream(channel: string, ts: string, markdown: string): Promise<void> {
    const args = { channel, ts, ...(markdown ? { markdown_text: markdown } : {}) };
    await this.retrying(
      "chat.stopStream",
      () => this.client.apiCall("chat.stopStream", args),
      undefined,
      true,
    );
  }

  /** The assistant pane's status line under a thread (`""` clears it). */
  async setAssistantStatus(channel: string, threadTs: string, status: string): Promise<void> {
    await this.call("assistant.threads.setStatus", { channel_id: channel, thread_ts: threadTs, status });
  }

  async setAssistantTitle(channel: string, threadTs: string, title: string): Promise<void> {
    await this.call("assistant.threads.setTitle", { channel_id: channel, thread_ts: threadTs, title });
  }

  async setSuggestedPrompts(
    channel: string,
    threadTs: string,
    prompts: readonly { title: string; message: string }[],
  ): Promise<void> {
    await this.call("assistant.threads.setSuggestedPrompts", {
      channel_id: channel,
      thread_ts: threadTs,
      prompts,
    });
  }

  /** Shows `view` as `user`'s App Home tab. */
  async publishHome(user: string, view: { type: "home"; blocks: types.KnownBlock[] }): Promise<void> {
    await this.call("views.publish", { user_id: user, view });
  }

  async delete(channel: string, ts: string): Promise<void> {
    await this.call("chat.delete", { channel, ts });
  }

  async postEphemeral(
    channel: string,
    user: string,
    text: string,
    threadTs?: string,
    blocks?: types.KnownBlock[],
  ): Promise<void> {
    await this.call("chat.postEphemeral", {
      channel,
      user,
      text,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(blocks ? { blocks } : {}),
    });
  }

  /**
   * A thread's messages, oldest first, page by page (`cursor`): all of them, or with `after` only
   * those posted after that ts (Slack returns the thread's parent either way: it is dropped then).
   * A message Guru cannot parse is left out rather than failing the read.
   */
  async threadReplies(channel: string, threadTs: string, after?: string): Promise<ThreadMessage[]> {
    const messages: ThreadMessage[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxThreadPages; page++) {
      const result = threadPageSchema.parse(
        await this.call("conversations.replies", {
          channel,
          ts: threadTs,
          limit: threadPageSize,
          ...(after ? { oldest: after } : {}),
          ...(cursor ? { cursor } : {}),
        }),
      );
      for (const raw of result.messages) {
        const parsed = threadMessageSchema.safeParse(raw);
        if (parsed.success && (after === undefined || Number(parsed.data.ts) > Number(after))) {
          messages.push(parsed.data);
        }
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || cursor === undefined) break;
    }
    return messages;
  }

  /** The DM channel between Guru and `user` (opened if need be). */
  async openDirectMessage(user: string): Promise<string> {
    return openedSchema.parse(await this.call("conversations.open", { users: user })).channel.id;
  }

  /** Shares a file in `channel` through Slack's external upload flow. */
  async uploadFile(file: {
    channel: string;
    filename: string;
    title: string;
    bytes: Buffer;
    comment: string;
  }): Promise<void> {
    const target = uploadTargetSchema.parse(
      await this.call("files.getUploadURLExternal", { filename: file.filename, length: file.bytes.length }),
    );
    await this.retrying("file upload", async () => {
      const response = await fetch(target.upload_url, {
        method: "POST",
        body: new Uint8Array(file.bytes),
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      if (!response.ok) throw new SlackCallError("file upload", `http_${response.status}`);
    });
    await this.call("files.completeUploadExternal", {
      files: [{ id: target.file_id, title: file.title }],
      channel_id: file.channel,
      initial_comment: file.comment,
    });
  }

  private call(method: string, args: Record<string, unknown>): Promise<unknown> {
    return this.retrying(method, () => this.client.apiCall(method, args));
  }

  private async retrying<T>(
    method: string,
    attempt: () => Promise<T>,
    recover?: () => Promise<T | null>,
    /** Only a refusal (429) is sent again: the call is not idempotent and has no way to be found. */
    rejectedOnly = false,
  ): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === "rejected") this.onRateLimited(method, failure.waitMs);
        else this.onCallFailed(method, failure.code);
        const final = failure.kind === "permanent" || (rejectedOnly && failure.kind === "uncertain");
        if (final || tries >= this.policy.attempts) {
          this.logger.error(`Slack ${method} failed`, { slackError: failure.code, tries });
          throw new SlackCallError(method, failure.code, { cause: error });
        }
        const waitMs =
          failure.kind === "rejected" ? failure.waitMs : this.policy.backoffMs * 2 ** (tries - 1);
        this.logger.warn(`Slack ${method} failed; trying again`, { slackError: failure.code, waitMs });
        await delay(waitMs);
        if (failure.kind === "uncertain" && recover) {
          const landed = await recover();
          if (landed !== null) {
            this.logger.info(`Slack ${method} had landed despite the error; not sending it again`);
            return landed;
          }
        }
      }
    }
  }

  /** The message posted with `marker`, if the uncertain attempt did land. */
  private async findPosted(
    message: OutgoingMessage,
    marker: string,
    since: string,
  ): Promise<{ ts: string } | null> {
    const listing = listingSchema.parse(
      message.threadTs
        ? await this.call("conversations.replies", {
            channel: message.channel,
            ts: message.threadTs,
            oldest: since,
            include_all_metadata: true,
            limit: 200,
          })
        : await this.call("conversations.history", {
            channel: message.channel,
            oldest: since,
            include_all_metadata: true,
            limit: 100,
          }),
    );
    const found = listing.messages.find(
      (m) => m.metadata?.event_type === replyMarkerType && m.metadata.event_payload.post === marker,
    );
    return found ? { ts: found.ts } : null;
  }
}

function classify(error: unknown): Failure {
  if (error instanceof SlackCallError) return { kind: "uncertain", code: error.code };
  const coded = error as {
    code?: unknown;
    retryAfter?: unknown;
    statusCode?: unknown;
    data?: { error?: unknown };
  };
  switch (coded.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = typeof coded.retryAfter === "number" ? coded.retryAfter : 1;
      return { kind: "rejected", code: "ratelimited", waitMs: seconds * 1000 };
    }
    case webApi.ErrorCode.PlatformError: {
      const code = typeof coded.data?.error === "string" ? coded.data.error : "unknown_error";
      return transientCodes.has(code) ? { kind: "uncertain", code } : { kind: "permanent", code };
    }
    case webApi.ErrorCode.HTTPError: {
      const status = typeof coded.statusCode === "number" ? coded.statusCode : 0;
      return status >= 500
        ? { kind: "uncertain", code: `http_${status}` }
        : { kind: "permanent", code: `http_${status}` };
    }
    case webApi.ErrorCode.RequestError:
      return { kind: "uncertain", code: "request_failed" };
    default:
      return { kind: "permanent", code: "unexpected_error" };
  }
}
