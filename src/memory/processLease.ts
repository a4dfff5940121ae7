import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";

/** How often a running process renews its lease. */
export const heartbeatMs = 5_000;
/** A lease not renewed for this long belongs to a dead (or hung) process. */
export const leaseTtlMs = 30_000;

const processRowSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  heartbeatAt: z.number().int(),
});

/**
 * This process's claim on the questions it accepted: a row in `processes` renewed by a heartbeat
 * and deleted at close. Another process takes those questions over only once the lease is dead —
 * not renewed within `leaseTtlMs`, or, on the same machine, its process id no longer runs (so a
 * restart right after a kill need not wait out the lease).
 */
export class ProcessLease {
  readonly id = randomUUID();
  private readonly host = hostname();
  private readonly upsert: Statement<[string, string, number, number, number]>;
  private readonly all: Statement<[]>;
  private readonly deleteById: Statement<[string]>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO processes (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
    );
    this.all = db.prepare("SELECT id, host, pid, heartbeat_at AS heartbeatAt FROM processes");
    this.deleteById = db.prepare("DELETE FROM processes WHERE id = ?");
    this.renew();
  }

  /** Also brings the lease back if another process thought this one dead and removed it. */
  renew(): void {
    const at = this.now();
    this.upsert.run(this.id, this.host, process.pid, at, at);
  }

  /**
   * The ids of every live process, this one included; dead leases are removed on the way. Call it
   * inside the transaction that takes questions over, so two processes cannot both take one.
   */
  liveIds(): string[] {
    const staleBefore = this.now() - leaseTtlMs;
    const live: string[] = [];
    for (const row of this.all.all().map((raw) => processRowSchema.parse(raw))) {
      const dead =
        row.id !== this.id &&
        (row.heartbeatAt < staleBefore || (row.host === this.host && !isRunning(row.pid)));
      if (dead) this.deleteById.run(row.id);
      else live.push(row.id);
    }
    return live;
  }

  release(): void {
    this.deleteById.run(this.id);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
