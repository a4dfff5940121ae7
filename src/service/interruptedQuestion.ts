import type { RequestMode } from "./conversationRequest.js";
import type { ReplyUpdate } from "./replyUpdate.js";

/** What a person reads where Guru had started answering before it was killed, when it is too late to answer. */
export const restartedText =
  "I was restarted before I could answer this, and it is too long ago to pick it up again. Please ask again.";

/** A question an earlier Guru process accepted and never answered, taken over by this one. */
export interface InterruptedQuestion {
  /** Where the front said the reply shows. */
  readonly locator: string;
  /** The event that delivered the question: give it to `locateReply` when the reply moves. */
  readonly eventId: string;
  readonly mode: RequestMode;
  /** The question as stored. */
  readonly question: string;
  /** True when it is answered now; false when `updates` is the note to ask again. */
  readonly resumed: boolean;
  /** The reply, as `handle` streams one; reading it to the end stores it. */
  readonly updates: AsyncIterable<ReplyUpdate>;
}
