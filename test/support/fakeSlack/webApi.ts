import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseForm } from "node:querystring";
import { setTimeout as delay } from "node:timers/promises";
import { workspace } from "./workspace.js";

/** One Web API request as Slack received it, and what it answered. */
export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly at: number;
  /** "ok", a Slack error code, or the HTTP status of an injected failure ("429", "500"). */
  readonly outcome: string;
}

/** A failure the next call to a method meets instead of (or after) being served. */
export type Fault =
  | { readonly kind: "rateLimited"; readonly retryAfterSeconds: number }
  /** `landed`: the call took effect before the server failed, as a real 5xx sometimes does. */
  | { readonly kind: "serverError"; readonly status: number; readonly landed: boolean }
  | { readonly kind: "slackError"; readonly error: string };

/** A file shared in a message, served at `url_private` (on the fake's own origin unless a test says otherwise). */
export interface HostedFile {
  readonly id: string;
  readonly name: string;
  readonly mimetype: string;
  readonly bytes: Buffer;
  readonly url: string;
  /** Where a request for it is redirected instead of served. */
  redirectTo?: string;
}

/** A file a test attaches to a message: its bytes, or only a link (`url`) somewhere else. */
export interface FileToShare {
  readonly name: string;
  readonly mimetype: string;
  readonly bytes?: Buffer | Uint8Array | string;
  readonly url?: string;
}

export interface SlackMessage {
  readonly ts: string;
  readonly channel: string;
  readonly threadTs?: string;
  readonly user: string;
  readonly botId?: string;
  readonly botName?: string;
  readonly files?: readonly HostedFile[];
  text: string;
  blocks?: unknown[];
  readonly metadata?: unknown;
  /** A streamed message (`chat.startStream`) until `chat.stopStream`; its `text` is the markdown so far. */
  streaming?: boolean;
  edited: boolean;
  deleted: boolean;
}

export interface AssistantThread {
  status: string;
  title: string;
  prompts: { title: string; message: string }[];
  /** Every status set, in order (`""`: cleared). */
  readonly statuses: string[];
}

export interface EphemeralMessage {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly threadTs?: string;
}

export interface SharedFile {
  readonly id: string;
  readonly filename: string;
  bytes: Buffer;
  channel?: string;
  comment?: string;
}

type Args = Record<string, unknown>;
type Result = Record<string, unknown>;

class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Fields Slack accepts as JSON text inside a form-encoded body. */
const jsonFields = new Set(["blocks", "attachments", "metadata", "files", "prompts", "view"]);

/**
 * Slack's rate tiers for the methods Guru calls often: calls per minute per workspace
 * (https://api.slack.com/apis/rate-limits; `chat.update` is Tier 3, "50+ per minute").
 */
const defaultTiers: ReadonlyArray<readonly [string, number]> = [["chat.update", 50]];
const tierWindowMs = 60_000;

/** Chat messages over 40,000 characters are refused; `chat.update` already fails near 4,000. */
const postLimit = 40_000;
const updateLimit = 4_000;
/** `markdown_text` of one streaming call. */
const streamCallLimit = 12_000;

/**
 * The Slack Web API as the tests need it: form-encoded and JSON bodies, bearer tokens, `ok:false`
 * errors with Slack's codes, `Retry-After` on 429, message storage with threads and metadata, and
 * the external file upload flow. Rate tiers are enforced: past a method's calls in the last minute,
 * it answers 429 with the seconds until one leaves the window. Every request is recorded; a fault
 * can be queued per method.
 */
export class FakeWebApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: SlackMessage[] = [];
  readonly ephemeral: EphemeralMessage[] = [];
  readonly files: SharedFile[] = [];
  /** Files people shared in messages, by id. */
  readonly hostedFiles = new Map<string, HostedFile>();
  /** Every request for a hosted file: its path and whether it was served. */
  readonly fileDownloads: { readonly path: string; readonly status: number }[] = [];
  /** The bot token's scopes: a method (or file) needing one that is missing fails with `missing_scope`. */
  private readonly revokedScopes = new Set<string>();
  /** Bodies posted to slash commands' `response_url`s. */
  readonly responses: unknown[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private readonly tiers = new Map<string, number>(defaultTiers);
  private latency: (() => number) | null = null;
  private readonly notInChannel = new Set<string>();
  private readonly changes = new EventEmitter();
  private sequence = 0;
  /** The assistant pane's threads, by `channel:thread_ts`: what `assistant.threads.*` set. */
  readonly assistantThreads = new Map<string, AssistantThread>();
  /** Each person's published App Home view (its blocks), by user id. */
  readonly homes = new Map<string, unknown[]>();
  /** Whether the workspace has streamed messages; without them the `chat.*Stream` methods are unknown. */
  private streamingMessages = false;

  constructor(
    private readonly baseUrl: () => string,
    private readonly socketUrl: () => string,
  ) {}

  /** Turns Slack's streamed messages (`chat.startStream` / `appendStream` / `stopStream`) on or off. */
  supportStreaming(on: boolean): void {
    this.streamingMessages = on;
  }

  failNext(method: string, fault: Fault): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), fault]);
  }

  /** Calls `method` may take per minute before 429s; `null`: unlimited. */
  setTier(method: string, perMinute: number | null): void {
    if (perMinute === null) this.tiers.delete(method);
    else this.tiers.set(method, perMinute);
  }

  /**
   * A slow Web API: each call takes effect and is answered after a delay drawn from
   * [minMs, maxMs] (seeded, so a run can be replayed), so calls made close together land in any
   * order, as with a loaded Slack. `null`: answer at once again.
   */
  slowDown(range: { minMs: number; maxMs: number; seed: number } | null): void {
    if (range === null) {
      this.latency = null;
      return;
    }
    const random = seededRandom(range.seed);
    this.latency = () => range.minMs + random() * (range.maxMs - range.minMs);
  }

  /** Guru has not been invited to `channel`: posting there fails with `not_in_channel`. */
  removeBotFrom(channel: string): void {
    this.notInChannel.add(channel);
  }

  /** The app was installed without `scope`. */
  revokeScope(scope: string): void {
    this.revokedScopes.add(scope);
  }

  /** A person (or another bot) writes in Slack, maybe with files (the event about it is sent separately). */
  userPosts(message: {
    user: string;
    channel: string;
    text: string;
    threadTs?: string;
    botId?: string;
    botName?: string;
    files?: readonly FileToShare[];
  }): SlackMessage {
    const { files, ...rest } = message;
    return this.store({
      ...rest,
      ...(files ? { files: files.map((file) => this.host(file)) } : {}),
      edited: false,
      deleted: false,
    });
  }

  /** Requests for `file` are answered with a redirect to `location`. */
  redirectFile(file: HostedFile, location: string): void {
    file.redirectTo = location;
  }

  /** `GET url_private`: the bytes for the bot token with `files:read`; Slack's refusal otherwise. */
  serveFile(request: IncomingMessage, response: ServerResponse, path: string): void {
    const file = [...this.hostedFiles.values()].find((f) => new URL(f.url).pathname === path);
    const [status, body, headers] = this.fileAnswer(file, bearer(request.headers.authorization));
    this.fileDownloads.push({ path, status });
    this.changed();
    response.writeHead(status, headers).end(body);
  }

  private fileAnswer(
    file: HostedFile | undefined,
    token: string | null,
  ): [number, Buffer | string, Record<string, string>] {
    if (!file) return [404, "not found", {}];
    if (token !== workspace.botToken) return [401, "not_authed", {}];
    if (this.revokedScopes.has("files:read")) {
      const refusal = JSON.stringify({ ok: false, error: "missing_scope", needed: "files:read" });
      return [403, refusal, { "content-type": "application/json" }];
    }
    if (file.redirectTo) return [302, "", { location: file.redirectTo }];
    return [200, file.bytes, { "content-type": file.mimetype, "content-length": String(file.bytes.length) }];
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** What the thread shows now: Guru's replies under `threadTs`, oldest first. */
  botRepliesIn(channel: string, threadTs: string): SlackMessage[] {
    return this.visible().filter(
      (m) => m.channel === channel && m.threadTs === threadTs && m.botId === workspace.botId,
    );
  }

  botMessagesIn(channel: string): SlackMessage[] {
    return this.visible().filter((m) => m.channel === channel && m.botId === workspace.botId);
  }

  /** Resolves once `check` holds for the recorded state; rejects after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value === undefined || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const onChange = () => void attempt();
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Slack: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changes.off("change", onChange);
      };
      this.changes.on("change", onChange);
      attempt();
    });
  }

  async handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const body = await readBody(request);
    if (path.startsWith("/upload/")) return this.receiveUpload(path.slice("/upload/".length), body, response);
    if (path.startsWith("/respond/")) {
      this.responses.push(JSON.parse(body.toString("utf8")));
      this.changed();
      return reply(response, 200, { ok: true });
    }
    if (this.latency) await delay(this.latency());
    const method = path.slice("/api/".length);
    const args = parseArgs(request.headers["content-type"], body.toString("utf8"));
    const token =
      bearer(request.headers.authorization) ?? (typeof args.token === "string" ? args.token : null);
    const fault = this.faults.get(method)?.shift();
    const record = (outcome: string) => {
      this.calls.push({ method, args, at: Date.now(), outcome });
      this.changed();
    };
    const retryAfterSeconds =
      fault?.kind === "rateLimited" ? fault.retryAfterSeconds : this.overTier(method, Date.now());
    if (retryAfterSeconds !== null) {
      record("429");
      response.setHeader("Retry-After", String(retryAfterSeconds));
      return reply(response, 429, { ok: false, error: "ratelimited" });
    }
    if (fault?.kind === "serverError") {
      if (fault.landed) this.tryServe(method, args, token);
      record(String(fault.status));
      response.writeHead(fault.status, { "content-type": "text/html" });
      response.end("<html><body>Internal Server Error</body></html>");
      return;
    }
    if (fault?.kind === "slackError") {
      record(fault.error);
      return reply(response, 200, { ok: false, error: fault.error });
    }
    const result = this.tryServe(method, args, token);
    record(result.ok === true ? "ok" : String(result.error));
    reply(response, 200, result);
  }

  /** Seconds until `method` is under its tier again, or `null` if it is under it now. */
  private overTier(method: string, now: number): number | null {
    const perMinute = this.tiers.get(method);
    if (perMinute === undefined) return null;
    const recent = this.calls.filter(
      (call) => call.method === method && call.outcome !== "429" && call.at > now - tierWindowMs,
    );
    const oldest = recent.at(-perMinute);
    if (recent.length < perMinute || oldest === undefined) return null;
    return Math.max(1, Math.ceil((oldest.at + tierWindowMs - now) / 1000));
  }

  private tryServe(method: string, args: Args, token: string | null): Result {
    try {
      checkToken(method, token);
      this.checkScope(method, args);
      return { ok: true, ...this.serve(method, args) };
    } catch (error) {
      if (error instanceof SlackApiError) return { ok: false, error: error.code };
      throw error;
    }
  }

  private serve(method: string, args: Args): Result {
    switch (method) {
      case "auth.test":
        return {
          url: "https://guru-test.slack.com/",
          team: "Guru Test",
          user: "guru",
          team_id: workspace.teamId,
          user_id: workspace.botUserId,
          bot_id: workspace.botId,
          is_enterprise_install: false,
        };
      case "apps.connections.open":
        return { url: this.socketUrl() };
      case "chat.postMessage":
        return this.postMessage(args);
      case "chat.update":
        return this.updateMessage(args);
      case "chat.delete": {
        const message = this.find(text(args, "channel"), text(args, "ts"));
        message.deleted = true;
        return { channel: message.channel, ts: message.ts };
      }
      case "chat.postEphemeral": {
        const channel = this.postableChannel(args);
        this.ephemeral.push({ channel, user: text(args, "user"), text: text(args, "text"), ...thread(args) });
        return { message_ts: this.nextTs() };
      }
      case "conversations.replies":
        return this.replies(args);
      case "conversations.history":
        return this.history(args);
      case "conversations.open":
        return { channel: { id: `D${text(args, "users").slice(1)}` } };
      case "files.getUploadURLExternal": {
        const id = `F${String(this.files.length + 1).padStart(6, "0")}`;
        this.files.push({ id, filename: text(args, "filename"), bytes: Buffer.alloc(0) });
        return { upload_url: `${this.baseUrl()}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal":
        return this.completeUpload(args);
      case "assistant.threads.setStatus":
      case "assistant.threads.setTitle":
      case "assistant.threads.setSuggestedPrompts":
        return this.assistantThread(method, args);
      case "views.publish": {
        const user = text(args, "user_id");
        const view = args.view as { type?: unknown; blocks?: unknown } | undefined;
        if (view?.type !== "home" || !Array.isArray(view.blocks))
          throw new SlackApiError("invalid_arguments");
        this.homes.set(user, view.blocks);
        return { view: { id: `V${user}`, type: "home", blocks: view.blocks } };
      }
      case "chat.startStream":
      case "chat.appendStream":
      case "chat.stopStream":
        if (!this.streamingMessages) throw new SlackApiError("unknown_method");
        return this.stream(method, args);
      default:
        throw new SlackApiError("unknown_method");
    }
  }

  private postMessage(args: Args): Result {
    const channel = this.postableChannel(args);
    const body = typeof args.text === "string" ? args.text : "";
    if (body.length === 0 && !Array.isArray(args.blocks)) throw new SlackApiError("no_text");
    if (body.length > postLimit) throw new SlackApiError("msg_too_long");
    const message = this.store({
      channel,
      ...thread(args),
      user: workspace.botUserId,
      botId: workspace.botId,
      text: body,
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
      edited: false,
      deleted: false,
    });
    return { channel, ts: message.ts, message: toApiMessage(message, false) };
  }

  /**
   * `assistant.threads.*`: only in a DM thread (the assistant pane's threads are DM threads), and
   * only with the `assistant:write` scope.
   */
  private assistantThread(method: string, args: Args): Result {
    if (this.revokedScopes.has("assistant:write")) throw new SlackApiError("missing_scope");
    const channel = text(args, "channel_id");
    const threadTs = text(args, "thread_ts");
    if (!channel.startsWith("D")) throw new SlackApiError("channel_not_found");
    const thread = this.assistantThreads.get(`${channel}:${threadTs}`) ?? {
      status: "",
      title: "",
      prompts: [],
      statuses: [],
    };
    if (method === "assistant.threads.setStatus") {
      thread.status = typeof args.status === "string" ? args.status : "";
      thread.statuses.push(thread.status);
    } else if (method === "assistant.threads.setTitle") thread.title = text(args, "title");
    else {
      const prompts = Array.isArray(args.prompts) ? args.prompts : [];
      if (prompts.length === 0 || prompts.length > 4) throw new SlackApiError("invalid_arguments");
      thread.prompts = prompts as AssistantThread["prompts"];
    }
    this.assistantThreads.set(`${channel}:${threadTs}`, thread);
    return {};
  }

  /**
   * Streamed messages as Slack documents them: a start in a thread (outside a DM naming the
   * recipient user and team), appends of up to 12,000 characters to a message still streaming,
   * and a stop after which it is an ordinary message.
   */
  private stream(method: string, args: Args): Result {
    const markdown = typeof args.markdown_text === "string" ? args.markdown_text : "";
    if (markdown.length > streamCallLimit) throw new SlackApiError("msg_too_long");
    if (method === "chat.startStream") {
      const channel = this.postableChannel(args);
      if (thread(args).threadTs === undefined) throw new SlackApiError("invalid_arguments");
      if (
        !channel.startsWith("D") &&
        (typeof args.recipient_user_id !== "string" || typeof args.recipient_team_id !== "string")
      )
        throw new SlackApiError("invalid_arguments");
      const message = this.store({
        channel,
        ...thread(args),
        user: workspace.botUserId,
        botId: workspace.botId,
        text: markdown,
        streaming: true,
        edited: false,
        deleted: false,
      });
      return { channel, ts: message.ts };
    }
    const message = this.find(text(args, "channel"), text(args, "ts"));
    if (message.botId !== workspace.botId || !message.streaming)
      throw new SlackApiError("message_not_in_streaming_state");
    if (method === "chat.appendStream" && markdown.length === 0) throw new SlackApiError("invalid_arguments");
    message.text += markdown;
    if (method === "chat.stopStream") message.streaming = false;
    this.changed();
    return { channel: message.channel, ts: message.ts };
  }

  private updateMessage(args: Args): Result {
    const message = this.find(text(args, "channel"), text(args, "ts"));
    if (message.botId !== workspace.botId) throw new SlackApiError("cant_update_message");
    const body = typeof args.text === "string" ? args.text : "";
    if (body.length > updateLimit) throw new SlackApiError("msg_too_long");
    message.text = body;
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    message.edited = true;
    return { channel: message.channel, ts: message.ts, text: message.text };
  }

  /**
   * A thread, oldest first: the parent always, then the replies after `oldest` (inclusive only with
   * `inclusive`), `limit` a page, continued with `response_metadata.next_cursor`.
   */
  private replies(args: Args): Result {
    const channel = text(args, "channel");
    const root = this.find(channel, text(args, "ts"));
    const oldest = Number(args.oldest ?? 0);
    const inclusive = args.inclusive === true || args.inclusive === "true";
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
    const thread = this.visible().filter(
      (m) =>
        m.channel === channel &&
        (m.ts === root.ts ||
          (m.threadTs === root.ts && (inclusive ? Number(m.ts) >= oldest : Number(m.ts) > oldest))),
    );
    const limit = Math.min(Math.max(Number(args.limit ?? 1000) || 1000, 1), 1000);
    const start = typeof args.cursor === "string" && args.cursor !== "" ? Number(args.cursor.slice(4)) : 0;
    const page = thread.slice(start, start + limit).map((m) => toApiMessage(m, withMetadata));
    const more = start + limit < thread.length;
    return {
      messages: page,
      has_more: more,
      response_metadata: { next_cursor: more ? `pos:${start + limit}` : "" },
    };
  }

  private checkScope(method: string, args: Args): void {
    if (method !== "conversations.replies" && method !== "conversations.history") return;
    const channel = typeof args.channel === "string" ? args.channel : "";
    const needed = channel.startsWith("D")
      ? "im:history"
      : channel.startsWith("G")
        ? "groups:history"
        : "channels:history";
    if (this.revokedScopes.has(needed)) throw new SlackApiError("missing_scope");
  }

  private host(file: FileToShare): HostedFile {
    const id = `F${String(this.hostedFiles.size + 1).padStart(8, "0")}`;
    const hosted: HostedFile = {
      id,
      name: file.name,
      mimetype: file.mimetype,
      bytes: Buffer.from(file.bytes ?? ""),
      url:
        file.url ?? `${this.baseUrl()}/files-pri/${workspace.teamId}-${id}/${encodeURIComponent(file.name)}`,
    };
    this.hostedFiles.set(id, hosted);
    return hosted;
  }

  private history(args: Args): Result {
    const channel = text(args, "channel");
    const oldest = Number(args.oldest ?? 0);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
    const messages = this.visible()
      .filter(
        (m) =>
          m.channel === channel &&
          (m.threadTs === undefined || m.threadTs === m.ts) &&
          Number(m.ts) >= oldest,
      )
      .reverse()
      .map((m) => toApiMessage(m, withMetadata));
    return { messages, has_more: false };
  }

  private completeUpload(args: Args): Result {
    const entries = Array.isArray(args.files) ? (args.files as { id: string; title?: string }[]) : [];
    const shared = entries.map((entry) => {
      const file = this.files.find((f) => f.id === entry.id);
      if (!file || file.bytes.length === 0) throw new SlackApiError("file_not_found");
      if (typeof args.channel_id === "string") file.channel = args.channel_id;
      if (typeof args.initial_comment === "string") file.comment = args.initial_comment;
      return { id: file.id, title: entry.title ?? file.filename };
    });
    return { files: shared };
  }

  private receiveUpload(id: string, body: Buffer, response: ServerResponse): void {
    const file = this.files.find((f) => f.id === id);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    file.bytes = body;
    response.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${body.length}`);
  }

  private postableChannel(args: Args): string {
    const channel = args.channel ?? args.channel_id;
    if (typeof channel !== "string" || channel.length === 0) throw new SlackApiError("channel_not_found");
    if (this.notInChannel.has(channel)) throw new SlackApiError("not_in_channel");
    return channel;
  }

  private find(channel: string, ts: string): SlackMessage {
    const message = this.visible().find((m) => m.channel === channel && m.ts === ts);
    if (!message) throw new SlackApiError("message_not_found");
    return message;
  }

  private visible(): SlackMessage[] {
    return this.messages.filter((m) => !m.deleted);
  }

  private store(message: Omit<SlackMessage, "ts">): SlackMessage {
    const stored = { ...message, ts: this.nextTs() };
    // Slack clears an assistant thread's status line when the app replies there.
    const pane = message.threadTs && this.assistantThreads.get(`${message.channel}:${message.threadTs}`);
    if (pane && message.botId === workspace.botId) pane.status = "";
    this.messages.push(stored);
    this.changed();
    return stored;
  }

  /** Slack's message timestamps: the time in seconds and a unique fraction, always increasing. */
  private nextTs(): string {
    this.sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.sequence).padStart(6, "0")}`;
  }

  private changed(): void {
    this.changes.emit("change");
  }
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function checkToken(method: string, token: string | null): void {
  if (token === null) throw new SlackApiError("not_authed");
  if (method === "apps.connections.open") {
    if (token !== workspace.appToken)
      throw new SlackApiError(token.startsWith("xapp-") ? "invalid_auth" : "not_allowed_token_type");
    return;
  }
  if (token !== workspace.botToken) throw new SlackApiError("invalid_auth");
}

export function toApiMessage(message: SlackMessage, withMetadata: boolean): Result {
  return {
    type: "message",
    ts: message.ts,
    user: message.user,
    text: message.text,
    ...(message.botId ? { bot_id: message.botId } : {}),
    ...(message.botName ? { username: message.botName, bot_profile: { name: message.botName } } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.files ? { files: message.files.map(toApiFile) } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(withMetadata && message.metadata !== undefined ? { metadata: message.metadata } : {}),
  };
}

/** A file object as Slack's messages and events carry it. */
export function toApiFile(file: HostedFile): Result {
  return {
    id: file.id,
    name: file.name,
    title: file.name,
    mimetype: file.mimetype,
    filetype: file.name.split(".").at(-1) ?? "",
    size: file.bytes.length,
    mode: "hosted",
    url_private: file.url,
    url_private_download: file.url,
  };
}

function thread(args: Args): { threadTs?: string } {
  return typeof args.thread_ts === "string" && args.thread_ts.length > 0 ? { threadTs: args.thread_ts } : {};
}

function text(args: Args, key: string): string {
  const value = args[key];
  if (typeof value !== "string" || value.length === 0) throw new SlackApiError(`invalid_arguments`);
  return value;
}

function parseArgs(contentType: string | undefined, body: string): Args {
  if (body.length === 0) return {};
  if (contentType?.startsWith("application/json")) return JSON.parse(body) as Args;
  const args: Args = {};
  for (const [key, value] of Object.entries(parseForm(body))) {
    const single = Array.isArray(value) ? value[0] : value;
    if (single === undefined) continue;
    args[key] = jsonFields.has(key) ? JSON.parse(single) : single;
  }
  return args;
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  return match?.[1] ?? null;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}
