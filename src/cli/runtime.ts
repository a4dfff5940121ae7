import { readEnvironment } from "../config/environment.js";
import { type LoadedConfig, loadConfig } from "../config/loadConfig.js";
import { createLogger, type Logger } from "../log/logger.js";
import { processRedactor } from "./redactedOutput.js";

export interface Runtime extends LoadedConfig {
  readonly logger: Logger;
}

export interface CommonFlags {
  readonly model?: string;
  readonly logLevel?: string;
  readonly maxTokens?: number;
}

/**
 * Config, secrets and the redacting logger: what every command starts from. `commandDefaults`
 * (keyed by config path) sit below the config file, environment and flags.
 */
export function createRuntime(
  flags: CommonFlags,
  commandDefaults: Readonly<Record<string, unknown>> = {},
): Runtime {
  const loaded = loadConfig({
    environment: readEnvironment().variables,
    overrides: { model: flags.model, logLevel: flags.logLevel, "engine.maxTokens": flags.maxTokens },
    commandDefaults,
  });
  const logger = createLogger({
    level: loaded.config.logLevel,
    format: loaded.config.logFormat,
    redact: processRedactor(),
  });
  return { ...loaded, logger };
}

/** The interactive commands (ask, analyze, chat, mcp) log only warnings unless told otherwise. */
export const quietLogging = { logLevel: "warn" } as const;
