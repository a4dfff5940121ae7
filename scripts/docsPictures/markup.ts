/** What the Slack and Discord pages share: HTML escaping, code fences, inline formatting rules. */

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

export interface Segment {
  readonly code: boolean;
  readonly text: string;
}

/** Splits text at ``` fences: code blocks (language tag dropped) and the prose between them. */
export function splitFences(text: string): Segment[] {
  const segments: Segment[] = [];
  const parts = text.split(/^\s*```[^\n`]*$\n?/m);
  parts.forEach((part, i) => {
    const code = i % 2 === 1;
    const body = code ? part.replace(/\n$/, "") : part.replace(/^\n/, "").replace(/\n$/, "");
    if (body.length > 0) segments.push({ code, text: body });
  });
  return segments;
}

/** One inline rule: a pattern whose first group is the content, and the HTML element it becomes. */
export interface InlineRule {
  readonly pattern: RegExp;
  readonly tag: string;
}

/**
 * Applies inline rules to prose that is already safe HTML. Inline code is set aside first, so
 * nothing inside backticks is formatted, then put back as `<code>`.
 */
export function formatInline(safeHtml: string, rules: readonly InlineRule[]): string {
  const spans: string[] = [];
  let out = safeHtml.replace(/`([^`\n]+)`/g, (_, code: string) => {
    spans.push(code);
    return `\u0000${spans.length - 1}\u0000`;
  });
  for (const rule of rules)
    out = out.replace(rule.pattern, (_, inner: string) => `<${rule.tag}>${inner}</${rule.tag}>`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL marks the set-aside code spans.
  return out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${spans[Number(i)] ?? ""}</code>`);
}

/** Prose and code blocks, each prose segment formatted by `prose`. */
export function renderSegments(
  text: string,
  prose: (text: string) => string,
  codeToHtml: (text: string) => string,
): string {
  return splitFences(text)
    .map((segment) =>
      segment.code
        ? `<pre>${codeToHtml(segment.text)}</pre>`
        : `<div class="prose">${prose(segment.text)}</div>`,
    )
    .join("");
}

/** A boundary around `*bold*`-style markers: start or end of line, space or punctuation. */
export function delimited(marker: string): RegExp {
  const m = marker.replace(/[*~_]/g, "\\$&");
  return new RegExp(`(?<=^|[\\s(])${m}([^\\s${m}](?:[^\\n]*?[^\\s])?)${m}(?=$|[\\s.,:;!?)])`, "gm");
}

/** A clock time for the n-th message: the pictures should not change with the hour they are made. */
export function clock(index: number): string {
  return `10:${String(42 + index).padStart(2, "0")} AM`;
}
