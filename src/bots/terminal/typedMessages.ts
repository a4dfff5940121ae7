import type { Interface } from "node:readline";
import { MessageAssembly } from "./messageAssembly.js";

interface Key {
  readonly name?: string;
}

/**
 * The messages entered through `lines`, assembled as `MessageAssembly` says, in order; at the
 * end of the input, a message still held is sent too. Lines are assembled as they arrive — not
 * as they are taken — because whether a line came inside a paste is known only then. `keys`: the
 * terminal's keypress events, which mark where a bracketed paste starts and ends (none on a pipe).
 * `onContinue` is told when a typed line leaves the message open (to prompt for the next).
 */
export function typedMessages(
  lines: Interface,
  keys: NodeJS.ReadableStream | null,
  onContinue: () => void,
): AsyncIterable<string> {
  const assembly = new MessageAssembly();
  const ready: string[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const onKey = (_text: unknown, key: Key | undefined) => {
    if (key?.name === "paste-start") assembly.startPaste();
    else if (key?.name === "paste-end") assembly.endPaste();
  };
  const onLine = (line: string) => {
    const message = assembly.add(line);
    if (message !== null) ready.push(message);
    else if (!assembly.pasting) onContinue();
    notify();
  };
  const onClose = () => {
    const rest = assembly.flush();
    if (rest !== null) ready.push(rest);
    ended = true;
    notify();
  };
  keys?.on("keypress", onKey);
  lines.on("line", onLine);
  lines.once("close", onClose);
  return (async function* () {
    try {
      for (;;) {
        const next = ready.shift();
        if (next !== undefined) yield next;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      keys?.off("keypress", onKey);
      lines.off("line", onLine);
      lines.off("close", onClose);
    }
  })();
}
