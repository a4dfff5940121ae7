/**
 * Splits Markdown into messages of at most `limit` characters, preferring paragraph breaks, then
 * line breaks, then spaces. A code block cut in two is closed at the end of one part and
 * reopened (with its language) at the start of the next, so every part renders on its own.
 */
export function splitMarkdown(text: string, limit: number): string[] {
  if (limit < 40) throw new RangeError("limit must leave room for code fences");
  const parts: string[] = [];
  let rest = text;
  let reopen = "";
  while (rest.length > 0) {
    const budget = limit - reopen.length;
    if (reopen.length + rest.length <= limit && !closesOpenFence(reopen, rest)) {
      parts.push(reopen + rest);
      break;
    }
    // Room for a closing fence ("\n```") in case this part ends inside a code block.
    const cut = cutPoint(rest, budget - closingFence.length);
    const head = rest.slice(0, cut);
    rest = rest.slice(cut).replace(/^\n+/, "");
    const fence = openFenceAfter(reopen + head);
    parts.push(
      fence ? `${(reopen + head).replace(/\n*$/, "")}${closingFence}` : reopen + head.replace(/\n+$/, ""),
    );
    reopen = fence ? `${fence}\n` : "";
  }
  return parts.filter((part) => part.trim().length > 0);
}

const closingFence = "\n```";

/** False for the common case; true only when a final part would still need its fence closed. */
function closesOpenFence(reopen: string, rest: string): boolean {
  return openFenceAfter(reopen + rest) !== null;
}

function cutPoint(text: string, budget: number): number {
  if (text.length <= budget) return text.length;
  const window = text.slice(0, budget);
  const floor = Math.floor(budget / 2);
  for (const separator of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(separator);
    if (at >= floor) return at + separator.length;
  }
  // No good break: a hard cut, but never between the halves of a surrogate pair.
  const code = text.charCodeAt(budget - 1);
  return code >= 0xd800 && code <= 0xdbff ? budget - 1 : budget;
}

/** The opening fence line (e.g. "```ts") if `text` ends inside a code block, else null. */
export function openFenceAfter(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split("\n")) {
    // `s`: a line may end in "\r" (CRLF text) or hold U+2028, which `.` would not match.
    const match = /^\s*(```+|~~~+)(.*)$/s.exec(line);
    if (!match) continue;
    // The reopened fence keeps only a plain language name: an info string may hold backticks or
    // half a surrogate pair at the cut, which would corrupt the next part.
    const language = ((match[2] ?? "").trim().split(/\s+/)[0] ?? "").replace(/[^\w+#.-]/g, "").slice(0, 20);
    if (open === null) open = `\`\`\`${language}`;
    else open = null;
  }
  return open;
}
