import { pino } from "pino";
import { loggableFields } from "./logFields.js";
import type { LineWriter } from "./logger.js";
import type { Redactor } from "./redactor.js";

/** Keys pino writes itself: a field of the same name is kept under `<name>_`, never duplicated. */
const ownKeys = new Set(["level", "time", "pid", "hostname", "msg", "scope"]);

/**
 * One JSON object a line through pino: `level` as a word, `time` in ISO 8601, `scope`, `msg`, then
 * the fields (errors with their stack and cause chain). Every string is redacted before pino
 * escapes it, and the finished line once more.
 */
export function jsonLineWriter(redact: Redactor, write: (line: string) => void): LineWriter {
  const root = pino(
    {
      level: "debug",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => write(redact(line.replace(/\n$/, ""))) },
  );
  const scoped = new Map<string, pino.Logger>();
  const loggerFor = (scope: string | undefined) => {
    if (scope === undefined) return root;
    let child = scoped.get(scope);
    if (!child) {
      child = root.child({ scope });
      scoped.set(scope, child);
    }
    return child;
  };
  return (level, scope, message, fields) => {
    const shown = fields ? loggableFields(fields, redact, "inline").fields : {};
    const renamed = Object.fromEntries(
      Object.entries(shown).map(([key, value]) => [ownKeys.has(key) ? `${key}_` : key, value]),
    );
    loggerFor(scope)[level](renamed, redact(message));
  };
}
