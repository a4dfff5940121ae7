import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { workspace } from "./workspace.js";

export type EnvelopeType = "events_api" | "slash_commands" | "interactive";

/** The app's acknowledgement of one envelope. */
export interface Ack {
  readonly envelopeId: string;
  readonly payload: unknown;
  /** From sending the envelope to receiving the ack. */
  readonly ms: number;
}

export interface EnvelopeOptions {
  /** Slack's redelivery counter: 0 first, then 1, 2, 3. */
  readonly retryAttempt?: number;
  readonly retryReason?: string;
}

const ackSchema = z.object({ envelope_id: z.string(), payload: z.unknown().optional() });

/** Slack gives an app 3 seconds to acknowledge; later it counts as a failed delivery. */
const ackDeadlineMs = 3000;

/** Why Slack asks an app to reconnect (a `disconnect` message's `reason`). */
export type DisconnectReason = "warning" | "refresh_requested" | "link_disabled";

/**
 * Slack's Socket Mode endpoint: greets a connection with `hello`, wraps events and slash commands
 * in envelopes, and matches the app's acks to them by `envelope_id`. It can end a connection as
 * Slack does (a `disconnect` message, or the socket simply dropping); envelopes sent until the app
 * is back are held and delivered on its new connection, as Slack holds events for an app.
 */
export class FakeSocketMode {
  private readonly server = new WebSocketServer({ noServer: true });
  private connection: WebSocket | null = null;
  private readonly waiting = new Map<string, { resolve: (ack: Ack) => void; sentAt: number }>();
  /** Sends held while an outage the fake caused lasts; null when there is none. */
  private held: (() => void)[] | null = null;
  private readonly connectionWaiters: { count: number; resolve: () => void }[] = [];
  connections = 0;

  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (connection) => {
      this.connections += 1;
      this.connection = connection;
      connection.on("message", (data) => this.receive(String(data)));
      connection.on("close", () => {
        if (this.connection === connection) this.connection = null;
      });
      connection.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "applink-fake", build_number: 1, approximate_connection_time: 18_060 },
          connection_info: { app_id: workspace.appId },
        }),
      );
      const held = this.held ?? [];
      this.held = null;
      for (const send of held) send();
      for (const waiter of this.connectionWaiters.filter((w) => this.connections >= w.count)) {
        this.connectionWaiters.splice(this.connectionWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  /** Asks the app to reconnect, as Slack does before it recycles a connection. */
  requestReconnect(reason: DisconnectReason): void {
    const connection = this.live();
    this.held = [];
    connection.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-fake" } }));
  }

  /** Drops the connection with no close handshake, as a network failure does. */
  drop(): void {
    const connection = this.live();
    this.held = [];
    this.connection = null;
    connection.terminate();
  }

  /** Resolves once the app has opened its `count`th connection (and been greeted). */
  connected(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.connections >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`fake Slack: the app did not open connection ${count} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.connectionWaiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /**
   * Sends one envelope and resolves with the app's ack; rejects when none comes within 3 s. During
   * an outage the fake caused, the envelope waits for the app's next connection.
   */
  send(type: EnvelopeType, payload: unknown, options: EnvelopeOptions = {}): Promise<Ack> {
    const held = this.held;
    if (held)
      return new Promise((resolve, reject) =>
        held.push(() => this.send(type, payload, options).then(resolve, reject)),
      );
    const connection = this.connection;
    if (!connection) return Promise.reject(new Error("fake Slack: no Socket Mode connection"));
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: type !== "events_api",
      ...(type === "events_api"
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? "" }
        : {}),
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelopeId);
        reject(new Error(`fake Slack: envelope ${type} not acknowledged within ${ackDeadlineMs} ms`));
      }, ackDeadlineMs);
      this.waiting.set(envelopeId, {
        sentAt: performance.now(),
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
      connection.send(JSON.stringify(envelope));
    });
  }

  /** Sends a frame as is, unacknowledged: garbage, or an envelope no app can read. */
  sendRaw(frame: string): void {
    this.live().send(frame);
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private live(): WebSocket {
    if (!this.connection) throw new Error("fake Slack: no Socket Mode connection");
    return this.connection;
  }

  private receive(text: string): void {
    const parsed = ackSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return;
    const pending = this.waiting.get(parsed.data.envelope_id);
    if (!pending) return;
    this.waiting.delete(parsed.data.envelope_id);
    pending.resolve({
      envelopeId: parsed.data.envelope_id,
      payload: parsed.data.payload,
      ms: performance.now() - pending.sentAt,
    });
  }
}
