import type { Server } from "node:http";
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from "discord.js";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import type { DiscordWorld } from "./discordWorld.js";
import { guildCreate, ready } from "./payloads.js";

const framesSchema = z.object({ op: z.int(), d: z.unknown() });
const identifySchema = z.object({ token: z.string(), intents: z.int() });
const resumeSchema = z.object({ token: z.string(), session_id: z.string(), seq: z.int().nullable() });

/** Gateway close codes the fake uses. */
export const closeCodes = {
  /** Resumable: the client reconnects to `resume_gateway_url` and sends RESUME. */
  unknownError: 4000,
  authenticationFailed: 4004,
  /** Not resumable: the client must IDENTIFY anew. */
  invalidSeq: 4007,
  invalidApiVersion: 4012,
  disallowedIntents: 4014,
} as const;

interface Dispatched {
  readonly s: number;
  readonly t: GatewayDispatchEvents;
  readonly d: unknown;
}

interface Session {
  readonly id: string;
  readonly intents: number;
  socket: WebSocket | null;
  seq: number;
  readonly log: Dispatched[];
}

/**
 * The gateway, as discord.js meets it: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats and their
 * ACKs, and RESUME after a resumable close, replaying what the session missed. Dispatches are
 * filtered by the session's intents.
 */
export class FakeGateway {
  private readonly server: WebSocketServer;
  private readonly sessions: Session[] = [];
  private replayFrom: number | null = null;
  /** Sessions Discord has ended: a RESUME of one is answered with INVALID_SESSION. */
  private readonly ended = new Set<string>();
  private readonly waiters: { readonly check: () => boolean; readonly resolve: () => void }[] = [];
  readonly identified: { readonly intents: number }[] = [];
  readonly resumed: { readonly sessionId: string; readonly seq: number | null; readonly replayed: number }[] =
    [];
  heartbeats = 0;
  /** How many RESUMEs were refused with INVALID_SESSION. */
  invalidSessions = 0;

  constructor(
    private readonly world: DiscordWorld,
    http: Server,
    private readonly heartbeatIntervalMs: number,
  ) {
    this.server = new WebSocketServer({ server: http, path: "/gateway" });
    this.server.on("connection", (socket, request) => {
      const query = new URL(request.url ?? "/", "http://127.0.0.1").searchParams;
      if (query.get("v") !== "10" || query.get("encoding") !== "json") {
        socket.close(closeCodes.invalidApiVersion, "Invalid API version");
        return;
      }
      this.send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs } });
      socket.on("message", (raw) => this.receive(socket, raw.toString()));
      socket.on("close", () => {
        for (const session of this.sessions) if (session.socket === socket) session.socket = null;
        this.settle();
      });
    });
  }

  /** The URL `GET /gateway/bot` hands out (and READY's `resume_gateway_url`). */
  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === "string") throw new Error("the gateway is not listening");
    return `ws://127.0.0.1:${address.port}/gateway`;
  }

  /** The newest session with a live connection. */
  get live(): Session | null {
    return this.sessions.findLast((s) => s.socket !== null) ?? null;
  }

  /**
   * Sends a dispatch to the newest session — or keeps it for its RESUME while disconnected.
   * Returns its sequence number; null when the session's intents exclude it.
   */
  dispatch(t: GatewayDispatchEvents, d: unknown, intent: GatewayIntentBits | null): number | null {
    const session = this.sessions.at(-1);
    if (!session || (intent !== null && (session.intents & intent) === 0)) return null;
    return this.emit(session, t, d);
  }

  /** Resolves once a session is ready to receive dispatches. */
  connected(): Promise<void> {
    return this.until(() => this.live !== null);
  }

  /**
   * Closes the connection with a resumable code. Dispatches sent before the client is back are
   * kept, like `duringOutage`'s. On the client's RESUME the session's log is replayed after
   * `replayFrom` — by default after the client's own sequence, as Discord does; an earlier number
   * replays dispatches the client already handled.
   */
  async forceResume(
    options: { readonly replayFrom?: number; readonly duringOutage?: () => void } = {},
  ): Promise<void> {
    const session = this.live;
    const socket = session?.socket;
    if (!session || !socket) throw new Error("no live gateway session to resume");
    const resumesBefore = this.resumed.length;
    this.replayFrom = options.replayFrom ?? null;
    session.socket = null;
    socket.close(closeCodes.unknownError, "Unknown error");
    options.duringOutage?.();
    await this.until(() => this.resumed.length > resumesBefore && this.live === session);
  }

  /**
   * Ends the live session so that it cannot be resumed, either way Discord does: closing with a
   * resumable code and answering the client's RESUME with INVALID_SESSION (`d: false`), or closing
   * with a code that allows no resume. Resolves once the client has identified a new session.
   * Dispatches sent in between go to the ended session and are never delivered, as on Discord.
   */
  async endSession(how: "invalidSession" | "nonResumableClose"): Promise<void> {
    const session = this.live;
    const socket = session?.socket;
    if (!session || !socket) throw new Error("no live gateway session to end");
    this.ended.add(session.id);
    session.socket = null;
    if (how === "invalidSession") socket.close(closeCodes.unknownError, "Unknown error");
    else socket.close(closeCodes.invalidSeq, "Invalid seq");
    await this.until(() => this.live !== null && this.live !== session);
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(socket: WebSocket, raw: string): void {
    const frame = framesSchema.parse(JSON.parse(raw));
    switch (frame.op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeats += 1;
        this.send(socket, { op: GatewayOpcodes.HeartbeatAck });
        break;
      case GatewayOpcodes.Identify:
        this.identify(socket, identifySchema.parse(frame.d));
        break;
      case GatewayOpcodes.Resume:
        this.resume(socket, resumeSchema.parse(frame.d));
        break;
    }
  }

  private identify(socket: WebSocket, identify: z.infer<typeof identifySchema>): void {
    if (identify.token !== this.world.token) {
      socket.close(closeCodes.authenticationFailed, "Authentication failed.");
      return;
    }
    // A privileged intent the Developer Portal has not switched on.
    if ((identify.intents & GatewayIntentBits.MessageContent) !== 0 && !this.world.messageContentIntent) {
      socket.close(closeCodes.disallowedIntents, "Disallowed intent(s).");
      return;
    }
    this.identified.push({ intents: identify.intents });
    const session: Session = {
      id: this.world.ids.next(),
      intents: identify.intents,
      socket,
      seq: 0,
      log: [],
    };
    this.sessions.push(session);
    this.emit(
      session,
      GatewayDispatchEvents.Ready,
      ready({
        bot: this.world.bot,
        applicationId: this.world.applicationId,
        applicationFlags: this.world.applicationFlags,
        sessionId: session.id,
        resumeUrl: this.url,
        guildIds: [this.world.guildId],
      }),
    );
    if ((identify.intents & GatewayIntentBits.Guilds) !== 0) {
      this.emit(
        session,
        GatewayDispatchEvents.GuildCreate,
        guildCreate(this.world.guild(), this.world.users.alice.id),
      );
    }
    this.settle();
  }

  private resume(socket: WebSocket, resume: z.infer<typeof resumeSchema>): void {
    const session = this.sessions.find((s) => s.id === resume.session_id && !this.ended.has(s.id));
    if (!session || resume.token !== this.world.token) {
      this.invalidSessions += 1;
      this.send(socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    session.socket = socket;
    const after = this.replayFrom ?? resume.seq ?? 0;
    this.replayFrom = null;
    const missed = session.log.filter((d) => d.s > after);
    for (const dispatched of missed) this.send(socket, { op: GatewayOpcodes.Dispatch, ...dispatched });
    this.emit(session, GatewayDispatchEvents.Resumed, {});
    this.resumed.push({ sessionId: session.id, seq: resume.seq, replayed: missed.length });
    this.settle();
  }

  private emit(session: Session, t: Dispatched["t"], d: unknown): number {
    session.seq += 1;
    const dispatched = { s: session.seq, t, d };
    session.log.push(dispatched);
    if (session.socket) this.send(session.socket, { op: GatewayOpcodes.Dispatch, ...dispatched });
    return session.seq;
  }

  private send(socket: WebSocket, frame: object): void {
    socket.send(JSON.stringify(frame));
  }

  private until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  private settle(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
