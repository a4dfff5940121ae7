import type { PooledServer } from "./pooledServer.js";
import type { ServerBackend, ServerHealth } from "./serverBackend.js";
import type { ServerPool } from "./serverPool.js";

export interface HealthCheckTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * Checks every server, healthy or not, every `intervalMs`: one that fails or does not answer
 * within `timeoutMs` leaves rotation, one that answers again rejoins.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

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
    this.pool.apply(server, await checkWithin(server.backend, this.timing.timeoutMs));
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

/** The backend's verdict, or "no answer" at the deadline even if it ignores its signal. */
export async function checkWithin(backend: ServerBackend, timeoutMs: number): Promise<ServerHealth> {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ServerHealth>((resolve) => {
    timer = setTimeout(() => {
      deadline.abort();
      resolve({ healthy: false, reason: `no answer to a health check within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([backend.check(deadline.signal), late]);
  } catch (error) {
    // The contract says check never throws; a backend bug must not stop the checks.
    return { healthy: false, reason: `health check failed: ${String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
