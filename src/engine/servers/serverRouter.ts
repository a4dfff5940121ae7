import type { PooledServer } from "./pooledServer.js";

/** Conversations remembered for affinity; the oldest are forgotten first. */
const rememberedConversations = 10_000;

/**
 * Picks the server for a request: the one that answered the conversation last while it has a
 * free slot (its prompt cache likely still holds the conversation), else the least busy one.
 */
export class ServerRouter {
  private readonly lastServer = new Map<string, PooledServer>();

  /** The best healthy server other than `avoid`; one with a free slot whenever there is one. */
  pick(
    servers: readonly PooledServer[],
    conversation: string | undefined,
    avoid?: PooledServer,
  ): PooledServer | undefined {
    const candidates = servers.filter((server) => server.healthy && server !== avoid);
    const warm = conversation === undefined ? undefined : this.lastServer.get(conversation);
    if (warm && candidates.includes(warm) && warm.busy < warm.slots) return warm;
    let best: PooledServer | undefined;
    for (const server of candidates) {
      if (!best || server.load < best.load || (server.load === best.load && server.busy < best.busy))
        best = server;
    }
    return best;
  }

  /** `server` answered `conversation`: its next turn goes there too. */
  remember(conversation: string, server: PooledServer): void {
    this.lastServer.delete(conversation);
    this.lastServer.set(conversation, server);
    if (this.lastServer.size > rememberedConversations) {
      const oldest = this.lastServer.keys().next().value;
      if (oldest !== undefined) this.lastServer.delete(oldest);
    }
  }
}
