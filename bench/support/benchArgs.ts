/** Converters for `node:util` parseArgs string flags: each fails with a message naming the flag. */

export class BenchArgumentError extends Error {}

export function positiveIntegerFlag(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new BenchArgumentError(`--${flag} takes a positive integer, got "${raw}"`);
  }
  return value;
}

/** A comma-separated list such as `1,2`. */
export function positiveIntegerListFlag(
  raw: string | undefined,
  flag: string,
  fallback: readonly number[],
): number[] {
  if (raw === undefined) return [...fallback];
  return raw.split(",").map((part) => positiveIntegerFlag(part.trim(), flag, Number.NaN));
}

export function choiceFlag<const Choice extends string>(
  raw: string | undefined,
  flag: string,
  choices: readonly Choice[],
  fallback: Choice,
): Choice {
  if (raw === undefined) return fallback;
  const choice = choices.find((candidate) => candidate === raw);
  if (choice === undefined) {
    throw new BenchArgumentError(`--${flag} takes one of ${choices.join("|")}, got "${raw}"`);
  }
  return choice;
}
