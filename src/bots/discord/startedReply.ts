import type { ConversationRequest } from "../../service/conversationRequest.js";
import type { ConversationService } from "../../service/conversationService.js";
import type { ReplyUpdate } from "../../service/replyUpdate.js";

export interface StartedReply {
  /** The first update, when it came within the grace period; null while the service is still busy. */
  readonly first: ReplyUpdate | null;
  /** Every update, the first included. */
  readonly updates: AsyncIterable<ReplyUpdate>;
}

/**
 * Hands a request to the service and waits a moment for its first update. The service claims the
 * event id as it starts, so a replayed event is known (`duplicate`) before Guru has shown anything
 * — not even a deferral. A first update that takes longer (history being summarised) must not hold
 * up Discord's 3-second acknowledgement, hence the grace period.
 */
export async function startReply(
  service: ConversationService,
  request: ConversationRequest,
  graceMs: number,
  signal: AbortSignal,
): Promise<StartedReply> {
  const updates = service.handle(request, { signal });
  const next = updates.next();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), graceMs);
  });
  const early = await Promise.race([next, grace]).finally(() => clearTimeout(timer));
  async function* all(): AsyncGenerator<ReplyUpdate> {
    const first = await next;
    if (first.done) return;
    yield first.value;
    yield* updates;
  }
  return { first: early && !early.done ? early.value : null, updates: all() };
}
