import type { LlamaModel, Token } from "node-llama-cpp";

/** A multi-byte character (emoji, CJK) can span up to four byte tokens. */
const maxHeldTokens = 4;

/**
 * Turns generated tokens into text deltas without splitting a UTF-8 character: tokens whose text
 * ends in an incomplete character are held until the character completes.
 */
export class TokenTextStream {
  private held: Token[] = [];
  private previous: Token[] = [];

  constructor(private readonly model: LlamaModel) {}

  push(token: Token): string {
    this.held.push(token);
    const text = this.model.detokenize(this.held, false, this.previous);
    if (text.endsWith("\uFFFD") && this.held.length < maxHeldTokens) return "";
    return this.flush(text);
  }

  /** Whatever is still held, at the end of generation. */
  finish(): string {
    if (this.held.length === 0) return "";
    return this.flush(this.model.detokenize(this.held, false, this.previous));
  }

  private flush(text: string): string {
    this.previous = [...this.previous, ...this.held].slice(-maxHeldTokens);
    this.held = [];
    return text;
  }
}
