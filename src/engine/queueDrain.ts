import { GuruError } from "../errors.js";
import type { SlotQueue } from "./slotQueue.js";

/**
 * The graceful stop both engines share: nothing new is admitted, waiting requests are refused,
 * running generations get `graceMs`, then `shutdown` cancels them. Resolves when every slot is free.
 */
export async function drainQueue(
  queue: SlotQueue,
  graceMs: number,
  shutdown: AbortController,
): Promise<void> {
  queue.close();
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([queue.whenIdle(), graceOver]);
  clearTimeout(timer);
  shutdown.abort(
    new GuruError(
      "SHUTTING_DOWN",
      "Guru is shutting down; this answer was cut short. Ask again once it is back.",
    ),
  );
  await queue.whenIdle();
}
