import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { LogLevel as GuruLogLevel } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";

const boltLevels: Record<GuruLogLevel, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

export function boltLevel(level: GuruLogLevel): LogLevel {
  return boltLevels[level];
}

/**
 * Bolt, its Socket Mode client and the WebClient log through Guru's logger, so their lines are
 * redacted (tokens never reach a log) and filtered like every other line.
 */
export function boltLogger(logger: Logger, level: GuruLogLevel): BoltLogger {
  let current = boltLevel(level);
  // A filtered line is not built: the Socket Mode client logs a debug line for every ack it sends.
  return {
    debug: (...parts: unknown[]) => {
      if (current === LogLevel.DEBUG) logger.debug(line(parts));
    },
    info: (...parts: unknown[]) => {
      if (current === LogLevel.DEBUG || current === LogLevel.INFO) logger.info(line(parts));
    },
    warn: (...parts: unknown[]) => logger.warn(line(parts)),
    error: (...parts: unknown[]) => logger.error(line(parts)),
    setLevel: (next: LogLevel) => {
      current = next;
    },
    getLevel: () => current,
    // Guru's logger already carries the scope.
    setName: () => {},
  };
}

function line(parts: readonly unknown[]): string {
  return parts
    .map((part) => {
      if (typeof part === "string") return part;
      if (part instanceof Error) return `${part.name}: ${part.message}`;
      try {
        return JSON.stringify(part);
      } catch {
        return String(part);
      }
    })
    .join(" ");
}
