import type { DiscordConfig } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";
import type { ConversationService } from "../../service/conversationService.js";
import type { RecentKeys } from "../common/recentKeys.js";
import type { RunningAnswers } from "../common/runningAnswers.js";
import type { UserRateLimiter } from "../common/userRateLimiter.js";
import type { AccessPolicy } from "./accessPolicy.js";
import type { ConversationReader } from "./conversationReader.js";
import { typingRenewMs } from "./typingIndicator.js";

/** Timings that tests shorten; the defaults are what Discord needs. */
export interface DiscordTimings {
  /** How often the typing indicator is renewed. */
  readonly typingRenewMs: number;
  /** How long a request may take to show its first update before the interaction is deferred. */
  readonly deferGraceMs: number;
}

export const defaultTimings: DiscordTimings = { typingRenewMs, deferGraceMs: 250 };

/** What the interaction and message handlers share. */
export interface HandlerContext {
  readonly service: ConversationService;
  readonly config: DiscordConfig;
  readonly logger: Logger;
  readonly access: AccessPolicy;
  readonly rateLimiter: UserRateLimiter;
  readonly recent: RecentKeys;
  readonly timings: DiscordTimings;
  /** Reads reply chains, threads and files around a question. */
  readonly reader: ConversationReader;
  /** The answers under way, for their Stop buttons. */
  readonly running: RunningAnswers;
}
