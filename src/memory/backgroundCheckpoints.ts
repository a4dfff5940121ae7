import type { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";
import { siblingThread } from "../siblingModule.js";
import type { CheckpointReport, CheckpointSetup } from "./checkpointThread.js";

/** How often the log is copied back: it grows by at most what a second of commits writes. */
const checkpointEveryMs = 1000;

/** SQLite's own default: checkpoint once the log holds this many pages. */
const inlineCheckpointPages = 1000;
/**
 * With the thread at work, the main connection checkpoints only past this many pages (40 MiB): a
 * backstop that bounds the log should a long synchronous job keep the event loop from asking.
 */
const backstopCheckpointPages = 10_000;

/**
 * WAL checkpoints on a thread of their own. SQLite otherwise checkpoints inside whichever commit
 * takes the log past 1,000 pages, and that commit then waits for the database file's fsync
 * (milliseconds: a whole burst of questions waited behind one). Every second the thread copies
 * the log back, one checkpoint at a time, and the main connection checkpoints only as a backstop.
 * Should the thread fail, the main connection checkpoints as SQLite does by default again.
 */
export class BackgroundCheckpoints {
  private readonly thread: Worker;
  private readonly timer: NodeJS.Timeout;
  private inFlight = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    setup: CheckpointSetup,
    private readonly onFailure: (message: string) => void,
  ) {
    db.pragma(`wal_autocheckpoint = ${backstopCheckpointPages}`);
    this.thread = siblingThread(import.meta.url, "checkpointThread", {
      workerData: setup,
    });
    this.thread.unref();
    this.thread.on("message", (report: CheckpointReport) => {
      this.inFlight = false;
      if (report.type === "failed") this.fail(report.message);
    });
    this.thread.on("error", (error) => this.fail(String(error)));
    this.thread.on("exit", (code) => this.fail(`the checkpoint thread exited (${code})`));
    this.timer = setInterval(() => this.request(), checkpointEveryMs);
    this.timer.unref();
  }

  /** Asks for a checkpoint unless one is under way. */
  private request(): void {
    if (this.stopped || this.inFlight) return;
    this.inFlight = true;
    this.thread.postMessage("checkpoint");
  }

  /** Stops the thread (its connection closes as it ends): call before closing the main connection. */
  close(): void {
    this.stop();
    void this.thread.terminate();
  }

  private fail(message: string): void {
    if (this.stopped) return;
    this.stop();
    void this.thread.terminate();
    this.db.pragma(`wal_autocheckpoint = ${inlineCheckpointPages}`);
    this.onFailure(message);
  }

  private stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
