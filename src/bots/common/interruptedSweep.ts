import type { Logger } from "../../log/logger.js";

/** How often a running bot looks for replies another process left, once its lease has run out. */
export const sweepEveryMs = 5_000;

/**
 * Finishes the replies a dead Guru process left — at once, then every few seconds while the bot
 * runs (a process killed moments ago may hold its lease a little longer; another process on the
 * same database may die later). One sweep at a time. Returns `stop`, which waits for the sweep
 * under way.
 */
export function sweepInterrupted(finish: () => Promise<void>, logger: Logger): () => Promise<void> {
  let running: Promise<void> | null = null;
  const sweep = () => {
    if (running) return;
    running = finish()
      .catch((error: unknown) => logger.error("could not finish the replies an earlier run left", { error }))
      .finally(() => {
        running = null;
      });
  };
  sweep();
  const timer = setInterval(sweep, sweepEveryMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
