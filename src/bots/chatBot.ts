import type { GuruConfig } from "../config/configSchema.js";
import type { Secrets } from "../config/secrets.js";
import type { Logger } from "../log/logger.js";
import type { ConversationService } from "../service/conversationService.js";
import type { PlatformCallObserver } from "../service/platformCallObserver.js";
import type { Readiness } from "../service/readiness.js";
import type { RequestObserver } from "../service/requestObserver.js";

/** What a platform adapter is given: the service to call, its settings, its credentials. */
export interface BotContext {
  readonly service: ConversationService;
  readonly config: GuruConfig;
  readonly secrets: Secrets;
  readonly logger: Logger;
  /** Told of the platform API's errors and rate limits (the operations front's metrics). */
  readonly platformCalls?: PlatformCallObserver;
  /** Every front `guru start` serves, once they are made (the console shows whether each is connected). */
  readonly fronts?: () => readonly ChatBot[];
  /** Where a front may listen to every request the service handles, whichever front made it. */
  readonly requestObservers?: { add(observer: RequestObserver): void };
}

/** A running platform adapter, as `guru start` sees it. */
export interface ChatBot {
  readonly name: string;
  /** Connects and starts answering; rejects with a coded error when it cannot. */
  start(): Promise<void>;
  /** Stops taking new events; answers in flight finish (the service drains them). */
  stop(): Promise<void>;
  /** Whether it is connected (or listening) now and can take events; why not, if not. */
  readiness(): Readiness;
}

/** Whether a front's credentials (or port) are set: `guru start` asks before it loads the model. */
export type FrontConfigured = (settings: Pick<BotContext, "config" | "secrets">) => boolean;

/** A platform's entry point: a bot when its credentials are configured, else null. */
export type ChatBotFactory = (context: BotContext) => ChatBot | null;
