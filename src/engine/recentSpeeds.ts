const window = 10;

/** The mean decode speed of the last few answers, for status lines. */
export class RecentSpeeds {
  private readonly speeds: number[] = [];

  record(tokensPerSecond: number): void {
    if (tokensPerSecond <= 0) return;
    this.speeds.push(tokensPerSecond);
    if (this.speeds.length > window) this.speeds.shift();
  }

  /** 0 before the first answer with a measurable speed. */
  mean(): number {
    return this.speeds.length === 0 ? 0 : this.speeds.reduce((a, b) => a + b, 0) / this.speeds.length;
  }
}
