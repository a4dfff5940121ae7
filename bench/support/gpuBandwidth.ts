/**
 * Published peak memory bandwidth (GB/s) of common cards, matched against the device name
 * llama.cpp reports; decode is bandwidth-bound, so this sets the single-stream ceiling.
 * Most specific names first.
 */
const knownCards: readonly (readonly [RegExp, number])[] = [
  [/H200/i, 4800],
  [/H100.*PCIe/i, 2000],
  [/H100/i, 3350],
  [/A100.*80/i, 2039],
  [/A100/i, 1555],
  [/L40S/i, 864],
  [/\bL4\b/i, 300],
  [/RTX\s*5090/i, 1792],
  [/RTX\s*4090/i, 1008],
  [/RTX\s*3090/i, 936],
  [/\bT4\b/i, 320],
];

export function knownBandwidthGBs(deviceNames: readonly string[]): number | null {
  for (const name of deviceNames) {
    for (const [pattern, bandwidth] of knownCards) if (pattern.test(name)) return bandwidth;
  }
  return null;
}
