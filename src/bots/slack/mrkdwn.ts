/**
 * Markdown (what the model writes) to Slack mrkdwn (what Slack shows): `**bold**` → `*bold*`,
 * `*italic*` → `_italic_`, `~~strike~~` → `~strike~`, `[text](url)` → `<url|text>`, headings
 * → bold lines, bullets → `•`, code kept verbatim but for the language tag Slack would print. `&`,
 * `<` and `>` are escaped everywhere, so nothing the model writes can become a Slack control
 * sequence (`<!channel>`, `<@U…>`): the only `<…>` in the result are the links made here.
 */
export function toMrkdwn(markdown: string): string {
  const lines: string[] = [];
  let inCode = false;
  for (const line of cleanText(markdown).split("\n")) {
    const fence = /^(\s*)(```+|~~~+)/.exec(line);
    if (fence) {
      // Slack ignores the language and would show it as code; an opening fence is a bare ```.
      lines.push(`${fence[1]}\`\`\``);
      inCode = !inCode;
    } else lines.push(inCode ? escapeText(line) : convertLine(line));
  }
  return lines.join("\n");
}

/** Slack's three reserved characters, as entities. */
export function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Control characters (but tab and newline) out, broken surrogates repaired: Slack shows neither well. */
function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "")
      .toWellFormed()
  );
}

function convertLine(line: string): string {
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return "──────────";
  const heading = /^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$/.exec(line);
  if (heading) {
    const title = (heading[1] ?? "").replace(/\*\*|__/g, "");
    return title.length > 0 ? `*${convertInline(title)}*` : "";
  }
  // All the quote markers at once: a line of thousands of `>` must not recurse once for each.
  const quotes = /^(?:\s{0,3}>\s?)+/.exec(line)?.[0];
  if (quotes) return `${"> ".repeat(quotes.split(">").length - 1)}${convertLine(line.slice(quotes.length))}`;
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1]}• ${convertInline(taskBox(bullet[2] ?? ""))}`;
  const numbered = /^(\s*)(\d{1,9})[.)]\s+(.*)$/.exec(line);
  if (numbered) return `${numbered[1]}${numbered[2]}. ${convertInline(numbered[3] ?? "")}`;
  return convertInline(line);
}

function taskBox(item: string): string {
  return item.replace(/^\[ \]\s+/, "☐ ").replace(/^\[[xX]\]\s+/, "☑ ");
}

/**
 * One alternative per inline construct, in priority order: code spans first (nothing inside them
 * is converted), then links, autolinks, bold, strike, italics.
 */
const inlinePattern = new RegExp(
  [
    /(`+)(.+?)\1(?!`)/.source,
    /!?\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/.source,
    /<((?:https?|mailto):[^\s>]+)>/.source,
    /\*\*(?=\S)(.+?)(?<=\S)\*\*/.source,
    /__(?=\S)(.+?)(?<=\S)__/.source,
    /~~(?=\S)(.+?)(?<=\S)~~/.source,
    /\*(?=[^\s*])(.+?)(?<=[^\s*])\*/.source,
    /(?<![\p{L}\p{N}_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\p{L}\p{N}_])/u.source,
  ].join("|"),
  "gu",
);

function convertInline(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(inlinePattern)) {
    out += escapeText(text.slice(last, match.index));
    out += convertMatch(match);
    last = match.index + match[0].length;
  }
  return out + escapeText(text.slice(last));
}

function convertMatch(match: RegExpMatchArray): string {
  const [whole, , code, label, url, autolink, bold, boldUnderscore, strike, italic, italicUnderscore] = match;
  if (code !== undefined) return `\`${escapeText(code)}\``;
  if (url !== undefined) return link(url, label ?? "") ?? escapeText(whole);
  if (autolink !== undefined) return link(autolink, "") ?? escapeText(whole);
  const strong = bold ?? boldUnderscore;
  if (strong !== undefined) return `*${convertInline(strong)}*`;
  if (strike !== undefined) return `~${convertInline(strike)}~`;
  return `_${convertInline(italic ?? italicUnderscore ?? "")}_`;
}

/** A Slack link, or null for a scheme Slack should not be asked to open. */
function link(url: string, label: string): string | null {
  if (!/^(https?:\/\/|mailto:)/i.test(url)) return null;
  const target = url
    .replaceAll("&", "&amp;")
    .replaceAll("<", "%3C")
    .replaceAll(">", "%3E")
    .replaceAll("|", "%7C");
  const text = escapeText(label.replace(/[*_`~]/g, ""))
    .replaceAll("|", "¦")
    .trim();
  return text.length > 0 ? `<${target}|${text}>` : `<${target}>`;
}
