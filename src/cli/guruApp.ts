import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { serverApiKey } from "../config/secrets.js";
import { EmbeddedEngine } from "../engine/embedded/embeddedEngine.js";
import type { Engine } from "../engine/engine.js";
import { configuredServers, serverBackendFactories } from "../engine/servers/serverBackends.js";
import { ServerEngine } from "../engine/servers/serverEngine.js";
import { Memory } from "../memory/memory.js";
import { ConversationService } from "../service/conversationService.js";
import { historySummarizer, summarizerTurnRoom } from "../service/historySummarizer.js";
import type { RequestObserver } from "../service/requestObserver.js";
import { startMaintenance } from "./maintenance.js";
import { ensureModelFile, isInteractive } from "./modelAvailability.js";
import type { Runtime } from "./runtime.js";

export interface GuruApp {
  readonly engine: Engine;
  readonly memory: Memory;
  readonly service: ConversationService;
  /** Drains the engine (running answers get the grace period), then closes the database. */
  close(): Promise<void>;
}

/** The composition root: engine, memory and the conversation service, built once per process. */
export async function openGuruApp(
  runtime: Runtime,
  options: { pull: boolean; observer?: RequestObserver },
): Promise<GuruApp> {
  const { config, logger } = runtime;
  const engine = await openEngine(runtime, options);
  let memory: Memory;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    memory = new Memory({
      path: join(config.dataDir, "guru.db"),
      scope: config.memory.scope,
      retentionDays: config.memory.retentionDays,
      checkpoints: "background",
      onCheckpointFailure: (message) =>
        logger.warn("background checkpoints stopped; SQLite checkpoints inside commits again", { message }),
      countTokens: (text) => engine.countTokens(text),
      summarize: historySummarizer(engine),
      foldChunkTokens: summarizerTurnRoom(engine),
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  const service = new ConversationService({
    engine,
    memory,
    assistant: config.assistant,
    memoryConfig: config.memory,
    contextSize: engine.stats().contextSize,
    maxTokens: config.engine.maxTokens,
    logger: logger.child("service"),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const stopMaintenance = startMaintenance(service, memory, config, logger.child("memory"));
  return {
    engine,
    memory,
    service,
    close: async () => {
      stopMaintenance();
      await engine.close();
      memory.close();
    },
  };
}

/** Inference servers when any is configured (no model file is looked up then), else the local model. */
async function openEngine(runtime: Runtime, options: { pull: boolean }): Promise<Engine> {
  const { config, secrets, environment, logger } = runtime;
  if (config.engine.servers.length > 0) {
    return ServerEngine.open({
      servers: configuredServers(config.engine.servers, serverBackendFactories, (variable) =>
        serverApiKey(environment, variable),
      ),
      config: config.engine,
      logger: logger.child("engine"),
    });
  }
  const modelPath = await ensureModelFile(config, secrets, {
    pull: options.pull,
    interactive: isInteractive(),
  });
  return EmbeddedEngine.open({
    modelPath,
    config: config.engine,
    logger: logger.child("engine"),
    cacheFolder: config.dataDir,
  });
}
