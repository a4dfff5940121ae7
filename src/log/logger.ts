import type { LogFormat, LogLevel } from "../config/configSchema.js";
import { jsonLineWriter } from "./jsonLines.js";
import { loggableFields } from "./logFields.js";
import type { Redactor } from "./redactor.js";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export type EmittedLevel = Exclude<LogLevel, "silent">;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Whether a line at `at` is written by a logger at `level`: an adapter builds only those it will. */
export function levelShows(at: EmittedLevel, level: LogLevel): boolean {
  return rank[at] >= rank[level];
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly redact: Redactor;
  /** `text` for people (the default), `json` for a log collector: one object a line. */
  readonly format?: LogFormat;
  /** Where lines go; stderr by default so stdout stays the answer (`guru ask … > out.txt`). */
  readonly write?: (line: string) => void;
  readonly scope?: string;
}

/** Writes one record; the logger has already checked its level. */
export type LineWriter = (
  level: EmittedLevel,
  scope: string | undefined,
  message: string,
  fields: Record<string, unknown> | undefined,
) => void;

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const writer =
    options.format === "json" ? jsonLineWriter(options.redact, write) : textLineWriter(options.redact, write);
  return scopedLogger(options.level, writer, options.scope);
}

function scopedLogger(level: LogLevel, writer: LineWriter, scope: string | undefined): Logger {
  const emit = (at: EmittedLevel, message: string, fields?: Record<string, unknown>) => {
    if (levelShows(at, level)) writer(at, scope, message, fields);
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (name) => scopedLogger(level, writer, scope ? `${scope}.${name}` : name),
  };
}

/**
 * `2026-01-02T03:04:05.678Z ERROR scope: message {"field":…}`, then the stack of each error in
 * the fields and of each of its causes, indented on the lines below.
 */
function textLineWriter(redact: Redactor, write: (line: string) => void): LineWriter {
  return (level, scope, message, fields) => {
    const shown = fields && Object.keys(fields).length > 0 ? loggableFields(fields, redact, "apart") : null;
    const extra = shown ? ` ${JSON.stringify(shown.fields)}` : "";
    const stacks = (shown?.stacks ?? []).map((stack) => `\n${stack.replace(/^/gm, "  ")}`).join("");
    const prefix = scope ? ` ${scope}:` : "";
    write(redact(`${new Date().toISOString()} ${level.toUpperCase()}${prefix} ${message}${extra}${stacks}`));
  };
}

/** For tests and library use. */
export const silentLogger: Logger = createLogger({ level: "silent", redact: (text) => text });
