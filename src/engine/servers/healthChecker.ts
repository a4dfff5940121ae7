import type { PooledServer } from "./pooledServer.js";
import type { ServerBackend, ServerHealth } from "./serverBackend.js";
import type { ServerPool } from "./serverPool.js";

export interface HealthCheckTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * Checks every server, healthy or not, every `intervalMs`: one that fails, or twice in a row
 * does not answer within `timeoutMs`, leaves rotation; one that answers again rejoins. A single
 * slow answer is forgiven: a busy machine (or a busy Guru) must not empty the pool.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Healthy servers whose last check went unanswered. */
  private readonly slow = new Set<PooledServer>();

  constructor(
    private readonly pool: ServerPool,
    private readonly timing: HealthCheckTiming,
  ) {}

  /** Checks every server once, at the same time. */
  checkAll(): Promise<void> {
    this.running ??= Promise.all(this.pool.servers.map((server) => this.check(server))).then(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Checks one server now (after a request found it in trouble), so it rejoins without waiting a round. */
  async check(server: PooledServer): Promise<void> {
    const { health, timedOut } = await checkWithin(server.backend, this.timing.timeoutMs);
    if (timedOut && server.healthy && !this.slow.has(server)) {
      this.slow.add(server);
      return;
    }
    this.slow.delete(server);
    this.pool.apply(server, health);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.checkAll(), this.timing.intervalMs);
    // Checks alone never keep the process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * The backend's verdict, or "no answer" at the deadline even if it ignores its signal;
 * `timedOut` tells a silent server from one that answered "down".
 */
export async function checkWithin(
  backend: ServerBackend,
  timeoutMs: number,
): Promise<{ health: ServerHealth; timedOut: boolean }> {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ health: ServerHealth; timedOut: boolean }>((resolve) => {
    timer = setTimeout(() => {
      deadline.abort();
      const reason = `no answer to a health check within ${timeoutMs} ms`;
      resolve({ health: { healthy: false, reason }, timedOut: true });
    }, timeoutMs);
  });
  const answered = backend.check(deadline.signal).then(
    (health) => ({ health, timedOut: false }),
    // The contract says check never throws; a backend bug must not stop the checks.
    (error: unknown) => ({
      health: { healthy: false, reason: `health check failed: ${String(error)}` } as const,
      timedOut: false,
    }),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}
