import type { OpsConfig } from "../config/configSchema.js";
import type { Logger } from "../log/logger.js";
import type { ConversationService } from "../service/conversationService.js";
import { notReady, type Readiness, ready } from "../service/readiness.js";
import { OperationsMetrics } from "./operationsMetrics.js";
import { type OperationsServer, startOperationsServer } from "./operationsServer.js";
import { PartsReadiness } from "./partsReadiness.js";

/** A front as the operations port sees it: a name and its connection's state. */
export interface WatchedFront {
  readonly name: string;
  readiness(): Readiness;
}

/**
 * What `guru start` serves on the operations port, from before the model loads (the engine then
 * reports "loading") to the shutdown (then "stopping"): health, metrics, and the observers that
 * feed the metrics.
 */
export class Operations {
  readonly metrics: OperationsMetrics;
  private readonly parts = new PartsReadiness();
  private service: ConversationService | null = null;
  private server: OperationsServer | null = null;

  private constructor() {
    this.metrics = new OperationsMetrics({ service: () => this.service, readiness: () => this.parts.now() });
    this.parts.set("engine", () => notReady("the model is loading"));
  }

  /** Starts serving when `ops.port` is set; null when it is not (the default). */
  static async start(config: OpsConfig, logger: Logger): Promise<Operations | null> {
    if (config.port === null) return null;
    const operations = new Operations();
    operations.server = await startOperationsServer({
      host: config.host,
      port: config.port,
      parts: operations.parts,
      metrics: operations.metrics,
      logger,
    });
    return operations;
  }

  /** The model is loaded: health now asks each front too. */
  serving(service: ConversationService, fronts: readonly WatchedFront[]): void {
    this.service = service;
    this.parts.set("engine", () => ready);
    for (const front of fronts) {
      this.parts.set(front.name, () => front.readiness());
    }
  }

  /** Shutting down: unhealthy from now on, so a balancer or supervisor stops sending work. */
  stopping(): void {
    this.parts.set("engine", () => notReady("Guru is shutting down"));
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}
