/**
 * Turns the lines typed or piped into `guru chat` into messages. The rule: Enter sends, unless
 * the line ends with a backslash, which continues the message on the next line (the backslash
 * becomes the line break). Lines that arrive inside a bracketed paste are held as they are and
 * go out with the next line typed outside it, so a pasted text is one message.
 */
export class MessageAssembly {
  private readonly held: string[] = [];
  private inPaste = false;

  startPaste(): void {
    this.inPaste = true;
  }

  endPaste(): void {
    this.inPaste = false;
  }

  get pasting(): boolean {
    return this.inPaste;
  }

  /** Whether lines are held for a message that is not finished yet. */
  get continuing(): boolean {
    return this.held.length > 0;
  }

  /** The message `line` completes, or null while the message goes on. */
  add(line: string): string | null {
    if (this.inPaste) {
      this.held.push(line);
      return null;
    }
    const continued = line.endsWith("\\");
    this.held.push(continued ? line.slice(0, -1) : line);
    return continued ? null : this.take();
  }

  /** What is held when the input ends (its last line ended with a backslash): sent, not dropped. */
  flush(): string | null {
    return this.continuing ? this.take() : null;
  }

  private take(): string {
    const message = this.held.join("\n");
    this.held.length = 0;
    return message;
  }
}
