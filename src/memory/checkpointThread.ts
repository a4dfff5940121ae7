import { parentPort, workerData } from "node:worker_threads";
import Sqlite from "better-sqlite3";

/**
 * The thread that copies the write-ahead log back into the database file (a WAL checkpoint) with
 * a connection of its own, so the fsync that ends each checkpoint never stalls Guru's event loop.
 * Both sides are Guru's own code (see backgroundCheckpoints.ts), so the messages are typed, not parsed.
 */
export interface CheckpointSetup {
  readonly path: string;
  readonly busyTimeoutMs: number;
}

/** How a checkpoint ended: what it could not copy now, the next one copies. */
export type CheckpointReport =
  | { readonly type: "checkpointed" }
  | { readonly type: "failed"; readonly message: string };

const port = parentPort;
if (port) {
  const setup = workerData as CheckpointSetup;
  const db = new Sqlite(setup.path, { timeout: setup.busyTimeoutMs, fileMustExist: true });
  // This connection only checkpoints: it needs no page cache of its own.
  db.pragma("cache_size = 16");
  port.on("message", () => {
    try {
      // PASSIVE never waits for the writer or readers: what cannot be copied now is copied next time.
      db.pragma("wal_checkpoint(PASSIVE)");
      port.postMessage({ type: "checkpointed" } satisfies CheckpointReport);
    } catch (error) {
      port.postMessage({ type: "failed", message: String(error) } satisfies CheckpointReport);
    }
  });
}
