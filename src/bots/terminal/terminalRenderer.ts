import type { ReplyUpdate } from "../../service/replyUpdate.js";

export interface TerminalOutput {
  /** The answer itself. */
  readonly out: (text: string) => void;
  /** Progress and errors, kept apart from the answer. */
  readonly status: (text: string) => void;
}

/** Prints a reply stream: text as it grows; progress (summarizing, queue positions) and failures on the status channel. */
export async function renderToTerminal(
  updates: AsyncIterable<ReplyUpdate>,
  output: TerminalOutput,
): Promise<ReplyUpdate | null> {
  let shown = "";
  let last: ReplyUpdate | null = null;
  for await (const update of updates) {
    last = update;
    switch (update.type) {
      case "summarizing":
        output.status("(reading back through this conversation…)\n");
        break;
      case "queued":
        output.status(`(queued — position ${update.position})\n`);
        break;
      case "text":
        output.out(update.text.slice(shown.length));
        shown = update.text;
        break;
      case "finished":
        output.out(update.reply.kind === "answer" && shown ? "\n" : `${update.reply.markdown}\n`);
        break;
      case "failed":
        if (shown) output.out("\n");
        output.status(`GURU_${update.code}: ${update.message}\n`);
        break;
      case "started":
      case "duplicate":
        break;
    }
  }
  return last;
}
