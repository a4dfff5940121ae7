/**
 * Lets a sequence's old history be erased while other sequences generate. node-llama-cpp erases
 * under the context's lock, which its batch loop holds for as long as any sequence asks for a
 * next token: with continuous generation, a new answer on a used slot waited until every other
 * answer had ended (seen here: 4 streams, the 3 late ones started only after the first finished).
 * While an erase waits, the token loops hold back their next token; the batch loop then runs dry
 * and lets go of the lock, the erase runs, and every loop goes on together (in one batch again).
 */
export class GenerationPause {
  private erasing = 0;
  private resumed: Promise<void> = Promise.resolve();
  private resume: () => void = () => {};

  /** Awaited by a token loop before it asks for its next token. */
  beforeNextToken(): Promise<void> {
    return this.resumed;
  }

  /** Runs `erase` with the other token loops held back. */
  async whileErasing<T>(erase: () => Promise<T>): Promise<T> {
    if (this.erasing === 0) this.resumed = new Promise((resolve) => (this.resume = resolve));
    this.erasing += 1;
    try {
      return await erase();
    } finally {
      this.erasing -= 1;
      if (this.erasing === 0) this.resume();
    }
  }
}
