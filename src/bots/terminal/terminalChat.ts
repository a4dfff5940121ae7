import { createInterface } from "node:readline";
import type { ConversationService } from "../../service/conversationService.js";
import { chatHistoryLimit, readChatHistory, writeChatHistory } from "./chatHistory.js";
import { memoryText } from "./memoryText.js";
import { terminalAuthor, terminalChat, terminalRequest } from "./terminalAddress.js";
import { renderToTerminal, type TerminalOutput } from "./terminalRenderer.js";
import { typedMessages } from "./typedMessages.js";

/** A person at a terminal: line editing, prompts, history across runs and bracketed paste. */
export interface TerminalSession {
  /** Where what is typed is echoed and the prompt drawn (stderr: stdout carries only answers). */
  readonly echo: NodeJS.WritableStream;
  /** The lines typed in earlier chats, kept across runs (private to the user). */
  readonly historyFile: string;
}

export interface TerminalChatOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: TerminalOutput;
  /** Absent: piped input, read line by line with no prompt. */
  readonly terminal?: TerminalSession;
  /** Ends the chat: the answer being written is cut short (kept, marked) and no more is read. */
  readonly stop?: AbortSignal;
}

const help = [
  "Type a question and press Enter. End a line with \\ to go on to the next; pasted text is one",
  "message (press Enter to send it). Up and Down recall earlier lines. Commands:",
  "  /analyze <question>  a structured cognitive analysis",
  "  /memory              what Guru keeps of this chat: summary, latest messages, analyses",
  "  /forget              forget this chat (and the lines typed at this prompt)",
  "  /status              model, backend and queue",
  "  /quit                leave (Ctrl-D works too)",
].join("\n");

/** Asks terminals to mark pasted text (bracketed paste mode), and stops asking. */
const pasteMarksOn = "\u001b[?2004h";
const pasteMarksOff = "\u001b[?2004l";

/**
 * `guru chat`: the same conversation service as the bots, on the workstation's terminal. Works on
 * a terminal (`options.terminal`) and on piped stdin (one message per line, `\` continuing one).
 * On a terminal, Ctrl-C cancels the answer in progress, or leaves at the prompt; elsewhere the
 * caller's `stop` decides.
 */
export async function runTerminalChat(
  service: ConversationService,
  options: TerminalChatOptions,
): Promise<void> {
  const { output, terminal } = options;
  // readline keeps this very array as the history: clearing it in place forgets it (`/forget`).
  const history = terminal ? readChatHistory(terminal.historyFile) : [];
  const lines = terminal
    ? createInterface({
        input: options.input,
        output: terminal.echo,
        terminal: true,
        history,
        historySize: chatHistoryLimit,
        removeHistoryDuplicates: true,
      })
    : createInterface({ input: options.input, terminal: false });
  const saveHistory = terminal ? historyKeeper(terminal.historyFile, output) : () => {};
  let current: AbortController | null = null;
  const onInterrupt = () => {
    if (current) current.abort();
    else lines.close();
  };
  const onStop = () => lines.close();
  // Input can end while an answer is still being written; a prompt after that would resume stdin
  // (readline's `prompt` does) and keep the process alive.
  let ended = false;
  lines.once("close", () => {
    ended = true;
  });
  const prompt = (text: string) => {
    if (!terminal || ended) return;
    lines.setPrompt(text);
    lines.prompt();
  };
  if (terminal) {
    process.on("SIGINT", onInterrupt);
    // On a terminal readline reads Ctrl-C as a key and reports it here.
    lines.on("SIGINT", onInterrupt);
    lines.on("history", saveHistory);
    terminal.echo.write(pasteMarksOn);
  }
  options.stop?.addEventListener("abort", onStop, { once: true });
  output.status(`Guru chat — /help for commands.\n`);
  prompt("you> ");
  try {
    for await (const message of typedMessages(lines, terminal ? options.input : null, () =>
      prompt("...> "),
    )) {
      if (options.stop?.aborted) break;
      const text = message.trim();
      if (text === "/quit" || text === "/exit") break;
      if (text === "/help") output.out(`${help}\n`);
      else if (text === "/status") output.out(`${statusLine(service)}\n`);
      else if (text === "/forget") {
        const forgotten = service.forgetConversation(terminalChat);
        history.length = 0;
        saveHistory(history);
        output.out(
          forgotten ? "Forgotten: this chat's messages and analyses are deleted.\n" : "Nothing to forget.\n",
        );
      } else if (text === "/memory")
        output.out(`${memoryText(service.memoryView(terminalChat), terminalAuthor())}\n`);
      else if (text.length > 0) {
        const analyze = text.startsWith("/analyze");
        current = new AbortController();
        const signal = options.stop ? AbortSignal.any([options.stop, current.signal]) : current.signal;
        await renderToTerminal(
          service.handle(
            terminalRequest(
              terminalChat,
              analyze ? text.slice("/analyze".length).trim() : text,
              analyze ? "analyze" : "ask",
            ),
            { signal },
          ),
          output,
        );
        current = null;
      }
      prompt("you> ");
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    options.stop?.removeEventListener("abort", onStop);
    if (terminal) terminal.echo.write(pasteMarksOff);
    lines.close();
  }
}

/** Writes the history as it changes; a file that cannot be written is said once, and the chat goes on. */
function historyKeeper(file: string, output: TerminalOutput): (newestFirst: readonly string[]) => void {
  let warned = false;
  return (newestFirst) => {
    try {
      writeChatHistory(file, newestFirst);
    } catch (error) {
      if (!warned) output.status(`(history not kept: cannot write ${file}: ${String(error)})\n`);
      warned = true;
    }
  };
}

/** One line for the engine, then one indented line per inference server. */
function statusLine(service: ConversationService): string {
  const status = service.statusDescription();
  return [
    status.summary.map((fact) => `${fact.label.toLowerCase()} ${fact.text}`).join("; "),
    ...status.servers.map((fact) => `  ${fact.label}: ${fact.text}`),
  ].join("\n");
}
