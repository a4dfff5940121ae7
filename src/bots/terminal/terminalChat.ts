import { createInterface } from "node:readline";
import type { ConversationService } from "../../service/conversationService.js";
import { memoryText } from "./memoryText.js";
import { terminalAuthor, terminalChat, terminalRequest } from "./terminalAddress.js";
import { renderToTerminal, type TerminalOutput } from "./terminalRenderer.js";

export interface TerminalChatOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: TerminalOutput;
  readonly prompt: boolean;
  /** Ends the chat: the answer being written is cut short (kept, marked) and no more is read. */
  readonly stop?: AbortSignal;
}

const help = [
  "Type a question and press Enter. Commands:",
  "  /analyze <question>  a structured cognitive analysis",
  "  /memory              what Guru keeps of this chat: summary, latest messages, analyses",
  "  /forget              forget this chat",
  "  /status              model, backend and queue",
  "  /quit                leave (Ctrl-D works too)",
].join("\n");

/**
 * `guru chat`: the same conversation service as the bots, on the workstation's terminal. Works on
 * a TTY and on piped stdin (one question per line). On a terminal (`prompt`), Ctrl-C cancels the
 * answer in progress, or leaves at the prompt; elsewhere the caller's `stop` decides.
 */
export async function runTerminalChat(
  service: ConversationService,
  options: TerminalChatOptions,
): Promise<void> {
  const { output } = options;
  const lines = createInterface({ input: options.input, terminal: false });
  let current: AbortController | null = null;
  const onInterrupt = () => {
    if (current) current.abort();
    else lines.close();
  };
  const onStop = () => lines.close();
  if (options.prompt) process.on("SIGINT", onInterrupt);
  options.stop?.addEventListener("abort", onStop, { once: true });
  const showPrompt = () => {
    if (options.prompt) output.status("you> ");
  };
  output.status(`Guru chat — /help for commands.\n`);
  showPrompt();
  try {
    for await (const raw of lines) {
      if (options.stop?.aborted) break;
      const line = raw.trim();
      if (line === "/quit" || line === "/exit") break;
      if (line === "/help") output.out(`${help}\n`);
      else if (line === "/status") output.out(`${statusLine(service)}\n`);
      else if (line === "/forget") {
        const forgotten = service.forgetConversation(terminalChat);
        output.out(
          forgotten ? "Forgotten: this chat's messages and analyses are deleted.\n" : "Nothing to forget.\n",
        );
      } else if (line === "/memory")
        output.out(`${memoryText(service.memoryView(terminalChat), terminalAuthor())}\n`);
      else if (line.length > 0) {
        const analyze = line.startsWith("/analyze");
        const text = analyze ? line.slice("/analyze".length).trim() : line;
        current = new AbortController();
        const signal = options.stop ? AbortSignal.any([options.stop, current.signal]) : current.signal;
        await renderToTerminal(
          service.handle(terminalRequest(terminalChat, text, analyze ? "analyze" : "ask"), { signal }),
          output,
        );
        current = null;
      }
      showPrompt();
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    options.stop?.removeEventListener("abort", onStop);
    lines.close();
  }
}

/** One line for the engine, then one indented line per inference server. */
function statusLine(service: ConversationService): string {
  const status = service.statusDescription();
  return [
    status.summary.map((fact) => `${fact.label.toLowerCase()} ${fact.text}`).join("; "),
    ...status.servers.map((fact) => `  ${fact.label}: ${fact.text}`),
  ].join("\n");
}
