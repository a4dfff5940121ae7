import type { LogLevel } from "../config/configSchema.js";
import type { Redactor } from "./redactor.js";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly redact: Redactor;
  /** Where lines go; stderr by default so stdout stays the answer (`guru ask … > out.txt`). */
  readonly write?: (line: string) => void;
  readonly scope?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) => {
    if (rank[level] < rank[options.level]) return;
    const scope = options.scope ? ` ${options.scope}:` : "";
    const extra = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : "";
    write(options.redact(`${new Date().toISOString()} ${level.toUpperCase()}${scope} ${message}${extra}`));
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (scope) =>
      createLogger({ ...options, scope: options.scope ? `${options.scope}.${scope}` : scope }),
  };
}

function safeJson(fields: Record<string, unknown>): string {
  return JSON.stringify(fields, (_key, value: unknown) => {
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
    }
    return typeof value === "bigint" ? value.toString() : value;
  });
}

/** For tests and library use. */
export const silentLogger: Logger = createLogger({ level: "silent", redact: (text) => text });
