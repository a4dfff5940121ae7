import type { Logger } from "../../log/logger.js";

/** Discord shows "is typing…" for 10 s after each trigger; renewing a little sooner keeps it steady. */
export const typingRenewMs = 8000;

export interface TypingIndicator {
  stop(): void;
}

/**
 * Keeps the typing indicator on until stopped. A failed trigger (no permission to type in this
 * channel, say) stops the renewals: the indicator is a courtesy, never a reason to fail a reply.
 */
export function keepTyping(
  sendTyping: () => Promise<unknown>,
  renewMs: number,
  logger: Logger,
): TypingIndicator {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const trigger = () => {
    sendTyping().then(
      () => {
        if (!stopped) timer = setTimeout(trigger, renewMs);
      },
      (error: unknown) => logger.debug("could not show the typing indicator", { error }),
    );
  };
  trigger();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
