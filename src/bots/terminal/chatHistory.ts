import { chmodSync, readFileSync, writeFileSync } from "node:fs";

/** Lines kept: the latest ones, as a shell keeps its history. */
export const chatHistoryLimit = 1000;

/**
 * The lines typed at `guru chat`'s prompt in earlier runs, newest first (readline's order). The
 * file holds one line per entry, oldest first; a missing or unreadable file is an empty history.
 */
export function readChatHistory(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .slice(-chatHistoryLimit)
    .reverse();
}

/** Replaces the file with `newestFirst` (at most the limit); readable by its owner only: questions can be private. */
export function writeChatHistory(file: string, newestFirst: readonly string[]): void {
  const lines = newestFirst.slice(0, chatHistoryLimit).reverse();
  writeFileSync(file, lines.map((line) => `${line}\n`).join(""), { mode: 0o600 });
  // `mode` applies only when the file is created: a file made before (or by hand) is made private too.
  chmodSync(file, 0o600);
}
