import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ReplyUpdate } from "../service/replyUpdate.js";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export type SendProgress = (progress: number, message: string) => Promise<void>;

/** Null when the client asked for no progress (its request carried no progress token). */
export function progressSender(extra: ToolExtra): SendProgress | null {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return null;
  return (progress, message) =>
    extra.sendNotification({
      method: "notifications/progress",
      params: { progressToken, progress, message },
    });
}

export interface ProgressTiming {
  /** The least time between two notifications for streamed text. */
  readonly textIntervalMs: number;
  /**
   * A tick while generating, so a client that resets its timeout on progress keeps waiting even
   * when nothing streams (an analysis streams no text).
   */
  readonly heartbeatMs: number;
}

export const defaultProgressTiming: ProgressTiming = { textIntervalMs: 250, heartbeatMs: 1000 };

/**
 * Turns the service's reply updates into MCP progress notifications: "summarizing" while a long
 * history is folded, the queue position while waiting, then "generating" with the length so far
 * (a heartbeat ticks through both slow phases). `progress` only ever grows, as MCP requires.
 */
export class ProgressReporter {
  private step = 0;
  private lastTextAt = Number.NEGATIVE_INFINITY;
  private heartbeat: NodeJS.Timeout | undefined;
  /** What the heartbeat reports: a slow step before the answer, then the generation. */
  private phase = "generating";
  private phaseSince = 0;
  private characters = 0;
  /** Notifications not yet handed to the transport: the call's result must not overtake them. */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly send: SendProgress | null,
    private readonly timing: ProgressTiming = defaultProgressTiming,
  ) {}

  /** Resolves once a notice of a slow step has been sent, so the client hears of it before it starts. */
  async report(update: ReplyUpdate): Promise<void> {
    if (update.type === "summarizing") {
      await this.enter("summarizing the earlier conversation");
    } else if (update.type === "queued") {
      this.emit(`queued: position ${update.position}`);
    } else if (update.type === "started") {
      this.enter("generating");
    } else if (update.type === "text") {
      this.characters = update.text.length;
      if (performance.now() - this.lastTextAt < this.timing.textIntervalMs) return;
      this.lastTextAt = performance.now();
      this.emit(`generating: ${this.characters} characters so far`);
    } else {
      await this.stop();
    }
  }

  /** Stops the heartbeat; resolves once every notification sent is out, before the call's result. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await Promise.all(this.sending);
  }

  private enter(phase: string): Promise<void> {
    this.phase = phase;
    this.phaseSince = performance.now();
    this.startHeartbeat();
    return this.emit(phase);
  }

  private startHeartbeat(): void {
    if (this.send === null || this.heartbeat !== undefined) return;
    this.heartbeat = setInterval(() => {
      const seconds = Math.round((performance.now() - this.phaseSince) / 1000);
      this.emit(`${this.phase}: ${seconds} s${this.characters > 0 ? `, ${this.characters} characters` : ""}`);
    }, this.timing.heartbeatMs);
    this.heartbeat.unref();
  }

  private emit(message: string): Promise<void> {
    if (this.send === null) return Promise.resolve();
    this.step += 1;
    // A client that went away cannot be told; the answer itself still settles the call.
    const sent = this.send(this.step, message).catch(() => {});
    this.sending.add(sent);
    return sent.finally(() => this.sending.delete(sent));
  }
}
