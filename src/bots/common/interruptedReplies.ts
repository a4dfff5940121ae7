import type { Logger } from "../../log/logger.js";
import type { ConversationService } from "../../service/conversationService.js";
import type { InterruptedQuestion } from "../../service/interruptedQuestion.js";
import { drain } from "./drainReply.js";

/**
 * Takes over the `platform`'s replies a dead Guru process left and hands each to `finish` with its
 * locator, read by the front. The service gives each question to one process once; notes go
 * first, as answers take a slot each. A locator this version cannot read is stored unseen.
 */
export async function finishInterrupted<Locator>(
  service: Pick<ConversationService, "claimInterrupted">,
  platform: string,
  options: {
    readonly readLocator: (text: string) => Locator | null;
    readonly logger: Logger;
    readonly finish: (interrupted: InterruptedQuestion, locator: Locator) => Promise<void>;
  },
): Promise<void> {
  const { readLocator, logger, finish } = options;
  const claimed = service.claimInterrupted(platform).sort((a, b) => Number(a.resumed) - Number(b.resumed));
  if (claimed.length > 0) logger.info(`finishing ${claimed.length} reply(ies) an earlier run left`);
  for (const interrupted of claimed) {
    const locator = readLocator(interrupted.locator);
    if (locator === null) {
      logger.warn("a reply an earlier run left has a place this version cannot read; storing it unseen");
      await drain(interrupted.updates);
    } else {
      await finish(interrupted, locator);
    }
  }
}
