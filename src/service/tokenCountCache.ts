/**
 * Remembers how many tokens a text has. Budgeting a prompt counts every history turn on every
 * request; with Phi-4 Mini's gpt-4o pre-tokenizer one count costs ≈1.3 ms, so a long thread would
 * pay that per turn. A turn's text never changes, so each is counted once. Least recently used
 * entries are dropped past `capacity`.
 */
export class TokenCountCache {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly count: (text: string) => number,
    private readonly capacity = 4096,
  ) {}

  tokens(text: string): number {
    const known = this.counts.get(text);
    if (known !== undefined) {
      this.counts.delete(text);
      this.counts.set(text, known);
      return known;
    }
    const counted = this.count(text);
    this.counts.set(text, counted);
    if (this.counts.size > this.capacity) {
      const oldest = this.counts.keys().next();
      if (!oldest.done) this.counts.delete(oldest.value);
    }
    return counted;
  }
}
