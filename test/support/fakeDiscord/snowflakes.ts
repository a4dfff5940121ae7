/** Discord's epoch (2015-01-01), from which snowflakes count milliseconds. */
const discordEpoch = 1_420_070_400_000n;

/** Real-looking snowflakes: the time in the high bits, a counter below, so every id is new and ordered. */
export class Snowflakes {
  private counter = 0n;

  next(): string {
    this.counter += 1n;
    return (((BigInt(Date.now()) - discordEpoch) << 22n) | (this.counter & 0x3fffffn)).toString();
  }
}
