import { randomFillSync } from "node:crypto";

/** Fills byte arrays with random bytes. */
export interface RandomSource {
  fill(bytes: Uint8Array): void;
}

/** Seeded sources repeat their bytes exactly (reproducible files); unseeded ones use the OS generator. */
export function randomSource(seed?: number): RandomSource {
  return seed === undefined ? { fill: (bytes) => randomFillSync(bytes) } : new Xoshiro128(seed);
}

/** xoshiro128**: fast enough in plain JavaScript to fill hundreds of MB per second. */
class Xoshiro128 implements RandomSource {
  private readonly state = new Uint32Array(4);

  constructor(seed: number) {
    let mix = seed >>> 0;
    // splitmix32 spreads any seed, including 0, into a non-zero state.
    for (let i = 0; i < 4; i++) {
      mix = (mix + 0x9e3779b9) >>> 0;
      let z = mix;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = z ^ (z >>> 16);
    }
  }

  fill(bytes: Uint8Array): void {
    const head = Math.min(bytes.length, (4 - (bytes.byteOffset % 4)) % 4);
    const wordCount = (bytes.length - head) >>> 2;
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + head, wordCount);
    const s = this.state;
    let s0 = s[0] ?? 0;
    let s1 = s[1] ?? 0;
    let s2 = s[2] ?? 0;
    let s3 = s[3] ?? 0;
    for (let i = 0; i < wordCount; i++) {
      const x = Math.imul(s1, 5);
      words[i] = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    for (let i = 0; i < head; i++) bytes[i] = this.nextByte();
    for (let i = head + wordCount * 4; i < bytes.length; i++) bytes[i] = this.nextByte();
  }

  private nextByte(): number {
    const one = new Uint8Array(4);
    this.fill(one);
    return one[0] ?? 0;
  }
}
