import type { Command } from "commander";
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
  /** `--server URL`, repeatable: llama-server instances to answer through. */
  readonly server?: readonly string[];
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
    overrides: {
      model: flags.model,
      logLevel: flags.logLevel,
      "engine.maxTokens": flags.maxTokens,
      "engine.servers": flags.server?.map((url) => ({ url })),
    },
    commandDefaults,
  });
  const logger = createLogger({ level: loaded.config.logLevel, redact: processRedactor() });
  return { ...loaded, logger };
}

/** The interactive commands (ask, analyze, chat, mcp) log only warnings unless told otherwise. */
export const quietLogging = { logLevel: "warn" } as const;

/** `--server URL` (repeatable) on every command that answers: a quick try of a llama-server. */
export function withServerFlag(command: Command): Command {
  return command.option(
    "--server <url>",
    "answer through this llama-server instead of a local model (repeatable; overrides GURU_SERVERS)",
    (url: string, previous: string[] = []) => [...previous, url],
  );
}
