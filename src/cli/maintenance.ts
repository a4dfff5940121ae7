import type { GuruConfig } from "../config/configSchema.js";
import type { Logger } from "../log/logger.js";
import type { Memory } from "../memory/memory.js";
import type { ConversationService } from "../service/conversationService.js";

const everyMs = 60_000;

/**
 * Housekeeping while Guru runs: questions a dead process left unanswered are marked interrupted
 * (at start, then every minute), and rows past the retention period are pruned. Returns `stop`.
 */
export function startMaintenance(
  service: ConversationService,
  memory: Memory,
  config: GuruConfig,
  logger: Logger,
): () => void {
  const run = () => {
    try {
      const marked = service.markAbandonedQuestions();
      if (marked > 0)
        logger.warn(`${marked} question(s) left unanswered by an earlier run are marked interrupted`);
      if (config.memory.retentionDays !== null) {
        const pruned = memory.pruneExpired();
        if (pruned.messages > 0) logger.info(`retention: pruned ${pruned.messages} message(s)`);
      }
    } catch (error) {
      logger.error("memory maintenance failed", { error });
    }
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
