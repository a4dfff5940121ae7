import type { Logger } from "../../log/logger.js";
import type { ServerStats } from "../engine.js";
import type { PooledServer } from "./pooledServer.js";
import type { ServerHealth } from "./serverBackend.js";
import { ServerRouter } from "./serverRouter.js";

/**
 * The configured servers, which of them are in rotation, and how many requests each runs. The
 * capacity is reported on every change, so the one queue in front of the pool admits exactly what
 * the healthy servers can take: their slots, plus the requests still running on servers that left
 * rotation (those hold queue leases until they end, and must not block the healthy servers).
 * With no healthy server it is 0, and the queue refuses at once.
 */
export class ServerPool {
  private readonly router = new ServerRouter();
  private reported = -1;

  constructor(
    readonly servers: readonly PooledServer[],
    private readonly onCapacity: (slots: number) => void,
    private readonly logger: Logger,
  ) {}

  capacity(): number {
    let healthySlots = 0;
    let busyElsewhere = 0;
    for (const server of this.servers) {
      if (server.healthy) healthySlots += server.slots;
      else busyElsewhere += server.busy;
    }
    return healthySlots === 0 ? 0 : healthySlots + busyElsewhere;
  }

  /** A check's result, or a request's verdict on a server (refused, dropped, 5xx). */
  apply(server: PooledServer, health: ServerHealth): void {
    const change = server.apply(health);
    if (change === "left") this.logger.warn(`server ${server.url} left rotation: ${server.reason}`);
    if (change === "joined") {
      const { model, slots, contextSize } = server.stats();
      this.logger.info(`server ${server.url} is in rotation`, { model, slots, contextSize });
    }
    this.report();
  }

  /** Reserves a slot on the best server for this request (see ServerRouter); none when all are down. */
  take(conversation: string | undefined, avoid?: PooledServer): PooledServer | undefined {
    const server = this.router.pick(this.servers, conversation, avoid);
    if (server) server.busy += 1;
    return server;
  }

  /** Frees the slot; an answered conversation goes back to the same server next time. */
  give(server: PooledServer, conversation: string | undefined, answered: boolean): void {
    server.busy -= 1;
    if (answered && conversation !== undefined) this.router.remember(conversation, server);
    if (!server.healthy) this.report();
  }

  /** Tokens one slot holds on the smallest server that has said (0: none has). */
  smallestContext(): number {
    const sizes = this.servers.map((server) => server.contextSize).filter((size) => size > 0);
    return sizes.length === 0 ? 0 : Math.min(...sizes);
  }

  private report(): void {
    const capacity = this.capacity();
    if (capacity === this.reported) return;
    this.reported = capacity;
    this.onCapacity(capacity);
  }

  stats(): ServerStats[] {
    return this.servers.map((server) => server.stats());
  }
}
