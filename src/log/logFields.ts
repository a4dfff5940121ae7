import type { Redactor } from "./redactor.js";

/** An error as a log shows it: every field a reader needs, its cause chain nested. */
export interface LoggedError {
  readonly type: string;
  readonly message: string;
  readonly code?: string | number;
  readonly stack?: string;
  readonly cause?: unknown;
  /** An AggregateError's errors. */
  readonly errors?: readonly unknown[];
}

/** Causes followed at most: a chain longer than this is cut (a cycle would never end). */
const maxDepth = 8;

/** Where an error's stack goes: inside it (JSON lines), or apart, to print under the line (text). */
export type StackPlacement = "inline" | "apart";

export interface LoggableFields {
  readonly fields: Record<string, unknown>;
  /** With `apart`: each error's stack, then its causes' ("Caused by: …"), in order. */
  readonly stacks: readonly string[];
}

/**
 * Fields made safe to print: every string redacted (before any escaping could hide a secret from
 * the redactor), errors turned into `LoggedError`s with their stack and cause chain, bigints into
 * text, cycles cut.
 */
export function loggableFields(
  fields: Record<string, unknown>,
  redact: Redactor,
  stacks: StackPlacement,
): LoggableFields {
  const walk = new FieldWalk(redact, stacks);
  return { fields: walk.value(fields, 0, false) as Record<string, unknown>, stacks: walk.stacks };
}

class FieldWalk {
  readonly stacks: string[] = [];
  private readonly seen = new WeakSet<object>();

  constructor(
    private readonly redact: Redactor,
    private readonly placement: StackPlacement,
  ) {}

  value(value: unknown, depth: number, isCause: boolean): unknown {
    if (typeof value === "string") return this.redact(value);
    if (typeof value === "bigint") return value.toString();
    if (typeof value !== "object" || value === null) return value;
    if (this.seen.has(value) || depth > maxDepth) return "[circular]";
    this.seen.add(value);
    try {
      if (value instanceof Error) return this.error(value, depth, isCause);
      if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1, false));
      if (value instanceof Date) return value.toISOString();
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [this.redact(key), this.value(item, depth + 1, false)]),
      );
    } finally {
      this.seen.delete(value);
    }
  }

  private error(error: Error, depth: number, isCause: boolean): LoggedError {
    const { code } = error as { code?: unknown };
    const errors = (error as { errors?: unknown }).errors;
    const stack = error.stack ? this.redact(error.stack) : undefined;
    if (stack && this.placement === "apart") this.stacks.push(isCause ? `Caused by: ${stack}` : stack);
    return {
      type: error.name,
      message: this.redact(error.message),
      ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
      ...(stack && this.placement === "inline" ? { stack } : {}),
      ...(error.cause === undefined ? {} : { cause: this.value(error.cause, depth + 1, true) }),
      ...(Array.isArray(errors) ? { errors: errors.map((item) => this.value(item, depth + 1, false)) } : {}),
    };
  }
}
