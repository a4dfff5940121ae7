/**
 * Remembers how many tokens a text has. Budgeting a prompt counts every history turn on every
 * request, and memory counts each question and reply it stores; with Phi-4 Mini's gpt-4o
 * pre-tokenizer one count costs ≈1 ms of the event loop, however short the text. A text's count
 * never changes, so the engine counts each once for all of them. Least recently used entries are
 * dropped past `capacity`.
 */
export class TokenCountCache {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly count: (text: string) => number,
    private readonly capacity = 4096,
  ) {}

  /** The texts (each once) whose count is not kept. */
  missing(texts: Iterable<string>): string[] {
    return [...new Set(texts)].filter((text) => !this.counts.has(text));
  }

  /** Keeps a count (taken here, or in the engine's process with the same tokenizer) as the newest. */
  remember(text: string, tokens: number): void {
    this.counts.delete(text);
    this.counts.set(text, tokens);
    if (this.counts.size > this.capacity) {
      const oldest = this.counts.keys().next();
      if (!oldest.done) this.counts.delete(oldest.value);
    }
  }

  tokens(text: string): number {
    const tokens = this.counts.get(text) ?? this.count(text);
    this.remember(text, tokens);
    return tokens;
  }
}
