import { readEnvironment } from "../config/environment.js";
import { type LoadedConfig, loadConfig } from "../config/loadConfig.js";
import { secretValues } from "../config/secrets.js";
import { createLogger, type Logger } from "../log/logger.js";
import { createRedactor } from "../log/redactor.js";

export interface Runtime extends LoadedConfig {
  readonly logger: Logger;
}

export interface CommonFlags {
  readonly model?: string;
  readonly logLevel?: string;
  readonly maxTokens?: number;
}

/** Config, secrets and the redacting logger: what every command starts from. */
export function createRuntime(flags: CommonFlags): Runtime {
  const loaded = loadConfig({
    environment: readEnvironment().variables,
    overrides: { model: flags.model, logLevel: flags.logLevel, "engine.maxTokens": flags.maxTokens },
  });
  const logger = createLogger({
    level: loaded.config.logLevel,
    redact: createRedactor(secretValues(loaded.secrets)),
  });
  return { ...loaded, logger };
}
