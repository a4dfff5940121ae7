import type { MemoryView } from "../../service/memoryView.js";

/** How one platform writes text: its escaper makes what people wrote inert (no pings, no markup). */
export interface MemoryDialect {
  readonly escape: (text: string) => string;
  readonly bold: (text: string) => string;
}

export interface MemorySection {
  readonly title: string;
  /** Oldest first: when room runs out, the oldest go first. */
  readonly lines: readonly string[];
}

export interface MemorySections {
  readonly heading: string;
  readonly sections: readonly MemorySection[];
}

/**
 * `/memory` in words, the same on every platform: a heading with the counts, then the rolling
 * summary, the latest messages and the analyses (date, confidence, summary). `asker` is the
 * platform id of who asked, shown as "you".
 */
export function memorySections(view: MemoryView, asker: string, dialect: MemoryDialect): MemorySections {
  const inert = dialect.escape;
  if (view.messageCount === 0 && view.analysisCount === 0 && view.summary === null) {
    return { heading: "I keep nothing of this conversation yet.", sections: [] };
  }
  const sections: MemorySection[] = [];
  if (view.summary) {
    sections.push({
      title: `Summary of older turns (updated ${when(view.summary.updatedAt)})`,
      lines: [inert(view.summary.text)],
    });
  }
  if (view.latestMessages.length > 0) {
    sections.push({
      title: `Latest ${view.latestMessages.length} of ${view.messageCount} messages`,
      lines: view.latestMessages.map((message) => {
        const who = message.role === "assistant" ? "Guru" : message.author === asker ? "you" : "someone else";
        const cut = message.status === "complete" ? "" : " (cut short)";
        return `• ${dialect.bold(who)}, ${when(message.createdAt)}${cut}: ${inert(message.text)}`;
      }),
    });
  }
  if (view.latestAnalyses.length > 0) {
    sections.push({
      title: `Latest ${view.latestAnalyses.length} of ${view.analysisCount} analyses`,
      lines: view.latestAnalyses.map(
        (analysis) =>
          `• ${when(analysis.createdAt)} · confidence ${Math.round(analysis.confidence * 100)}% · ${inert(analysis.text)}`,
      ),
    });
  }
  return {
    heading: `What I keep of this conversation: ${count(view.messageCount, "message")}, ${count(view.analysisCount, "analysis", "analyses")}${view.summary ? " and a summary of the older turns" : ""}.`,
    sections,
  };
}

export function sectionText(section: MemorySection, dialect: MemoryDialect): string {
  return [dialect.bold(section.title), ...section.lines].join("\n");
}

/**
 * The whole view as one text of at most `limit` characters: the oldest lines of the longest
 * section are left out first (the heading's counts still tell the totals), then the longest line
 * left (the summary, usually) is shortened.
 */
export function fitMemoryText(memory: MemorySections, dialect: MemoryDialect, limit: number): string {
  const sections = memory.sections.map((section) => ({ title: section.title, lines: [...section.lines] }));
  for (;;) {
    const text = [memory.heading, ...sections.map((section) => sectionText(section, dialect))].join("\n\n");
    const excess = text.length - limit;
    if (excess <= 0) return text;
    const longest = sections.reduce<(typeof sections)[number] | null>(
      (a, b) => (a === null || b.lines.length > a.lines.length ? b : a),
      null,
    );
    if (longest !== null && longest.lines.length > 1) {
      longest.lines.shift();
      continue;
    }
    const widest = sections.reduce<(typeof sections)[number] | null>(
      (a, b) => (a === null || (b.lines[0]?.length ?? 0) > (a.lines[0]?.length ?? 0) ? b : a),
      null,
    );
    const line = widest?.lines[0];
    // Nothing left to shorten but the heading and titles: cut the text itself.
    if (widest == null || line === undefined || line.length <= excess + 1) return clipText(text, limit);
    widest.lines[0] = clipText(line, line.length - excess);
  }
}

/** At most `limit` characters, never ending inside a character or an `&…;` entity. */
export function clipText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let clipped = text.slice(0, limit - 1);
  if (/[\uD800-\uDBFF]$/.test(clipped)) clipped = clipped.slice(0, -1);
  return `${clipped.replace(/&[#a-zA-Z0-9]*$/, "")}…`;
}

/** A date people read the same everywhere: `2026-12-02 06:45 UTC`. */
function when(isoDate: string): string {
  return `${isoDate.slice(0, 10)} ${isoDate.slice(11, 16)} UTC`;
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
