import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { LogLevel as GuruLogLevel } from "../../config/configSchema.js";
import { type EmittedLevel, type Logger, levelShows } from "../../log/logger.js";

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
  // A line the logger would not write is not built: the Socket Mode client logs one for every ack.
  const logAt =
    (emitted: EmittedLevel) =>
    (...parts: unknown[]) => {
      if (levelShows(emitted, level)) logger[emitted](line(parts));
    };
  return {
    debug: logAt("debug"),
    info: logAt("info"),
    warn: logAt("warn"),
    error: logAt("error"),
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
