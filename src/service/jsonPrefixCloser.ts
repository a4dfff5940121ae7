/** A JSON text cut somewhere, closed into a document `JSON.parse` reads. */
export interface ClosedJson {
  /** The closed document, or null when no object or array had begun. */
  readonly json: string | null;
  /** True when the text already held a whole document (anything after it is ignored). */
  readonly complete: boolean;
  /** Where the cut fell: the key or index in each open container, outermost first. */
  readonly openPath: readonly (string | number)[];
}

interface Container {
  readonly kind: "object" | "array";
  /** Index of its `{` or `[`. */
  readonly start: number;
  /** Just past its last finished member. */
  finishedEnd: number;
  finished: number;
  /** Where the member being written starts (its key in an object) and where its value starts. */
  memberStart: number;
  valueStart: number;
  expecting: "key" | "colon" | "value" | "commaOrEnd";
  key: string | undefined;
}

interface OpenString {
  readonly start: number;
  readonly isKey: boolean;
  /** Index of the backslash of an escape not yet finished, or -1. */
  escapeStart: number;
  /** Hex digits still due after `\u`. */
  hexDue: number;
}

const scalarChar = /[-+.0-9a-zA-Z]/;

/**
 * Closes JSON cut at any point (a generation stopped by its token limit) where it stopped: keeps
 * every finished member, keeps a half-written string value as far as it got (never half an escape),
 * drops what cannot stand half-written (a key, a number, `true`…, an object inside another value —
 * a record missing fields is no record — and any container or string cut before its first
 * character), and closes the open strings, arrays and objects.
 */
export function closeJsonPrefix(text: string): ClosedJson {
  const stack: Container[] = [];
  let string: OpenString | null = null;
  let scalarStart = -1;
  let root: { start: number; end: number } | null = null;

  const finishValue = (end: number): void => {
    const top = stack.at(-1);
    if (!top) return;
    top.finished += 1;
    top.finishedEnd = end;
    top.expecting = "commaOrEnd";
    top.key = undefined;
  };
  const beginValue = (top: Container, at: number): void => {
    if (top.kind === "array") top.memberStart = at;
    top.valueStart = at;
  };

  for (let i = 0; i < text.length && root === null; i++) {
    const char = text[i] as string;
    if (string) {
      if (string.hexDue > 0) {
        string.hexDue -= 1;
        if (string.hexDue === 0) string.escapeStart = -1;
      } else if (string.escapeStart >= 0) {
        if (char === "u") string.hexDue = 4;
        else string.escapeStart = -1;
      } else if (char === "\\") string.escapeStart = i;
      else if (char === '"') {
        const top = stack.at(-1);
        if (string.isKey && top) {
          top.key = JSON.parse(text.slice(string.start, i + 1)) as string;
          top.expecting = "colon";
        } else finishValue(i + 1);
        string = null;
      }
      continue;
    }
    if (scalarStart >= 0) {
      if (scalarChar.test(char)) continue;
      scalarStart = -1;
      finishValue(i);
    }
    const top = stack.at(-1);
    if (char === "{" || char === "[") {
      if (top) beginValue(top, i);
      stack.push({
        kind: char === "{" ? "object" : "array",
        start: i,
        finishedEnd: i + 1,
        finished: 0,
        memberStart: i + 1,
        valueStart: i + 1,
        expecting: char === "{" ? "key" : "value",
        key: undefined,
      });
    } else if (char === "}" || char === "]") {
      const closed = stack.pop();
      if (closed && stack.length === 0) root = { start: closed.start, end: i + 1 };
      else finishValue(i + 1);
    } else if (!top) {
      // Only an object or an array can be closed into a document; skip anything before one.
    } else if (char === '"') {
      const isKey = top.kind === "object" && top.expecting === "key";
      if (isKey) top.memberStart = i;
      else beginValue(top, i);
      string = { start: i, isKey, escapeStart: -1, hexDue: 0 };
    } else if (char === ":") top.expecting = "value";
    else if (char === ",") top.expecting = top.kind === "object" ? "key" : "value";
    else if (scalarChar.test(char)) {
      beginValue(top, i);
      scalarStart = i;
    }
  }

  if (root) return { json: text.slice(root.start, root.end), complete: true, openPath: [] };
  const openPath = stack.flatMap((container): (string | number)[] =>
    container.kind === "array" ? [container.finished] : container.key === undefined ? [] : [container.key],
  );
  return { json: closeOpen(text, stack, string), complete: false, openPath };
}

/** Closes the open containers from the innermost out, keeping what can stand. */
function closeOpen(text: string, stack: readonly Container[], string: OpenString | null): string | null {
  let child: string | null = null;
  if (string && !string.isKey) {
    const end = string.escapeStart >= 0 ? string.escapeStart : text.length;
    if (end > string.start + 1) child = `${text.slice(string.start, end)}"`;
  }
  for (let depth = stack.length - 1; depth >= 0; depth--) {
    const container = stack[depth] as Container;
    let body = text.slice(container.start, container.finishedEnd);
    let members = container.finished;
    if (child !== null) {
      body += `${members > 0 ? "," : ""}${text.slice(container.memberStart, container.valueStart)}${child}`;
      members += 1;
    }
    const isRoot = depth === 0;
    const keep = isRoot || (container.kind === "array" && members > 0);
    child = keep ? `${body}${container.kind === "object" ? "}" : "]"}` : null;
  }
  return child;
}
