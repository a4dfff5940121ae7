/** Phi-4 Mini's special tokens, all control tokens. */
export const phi4SpecialTokens = [
  "<|endoftext|>",
  "<|endofprompt|>",
  "<|assistant|>",
  "<|end|>",
  "<|user|>",
  "<|system|>",
  "<|tool|>",
  "<|/tool|>",
  "<|tool_call|>",
  "<|/tool_call|>",
  "<|tool_response|>",
  "<|tag|>",
] as const;
export type Phi4SpecialToken = (typeof phi4SpecialTokens)[number];

/** llama.cpp's `llama_token_type` values used here. */
export const TokenType = { normal: 1, control: 3 } as const;

export interface Vocabulary {
  tokens: string[];
  tokenTypes: number[];
  /** BPE merges, best rank first, as "left right" in the byte-level alphabet. */
  merges: string[];
  specialTokenIds: Record<Phi4SpecialToken, number>;
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const COMMON_BIGRAMS = (
  "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de " +
  "hi ri ro ic ne ea ra ce"
).split(" ");
// Each right-hand side is a bigram above, so these word merges are reachable.
const COMMON_WORD_MERGES = ["Ġt he", "Ġa nd", "Ġo f", "Ġt o", "Ġi n", "Ġi s", "Ġi t"];

/**
 * A GPT-2 byte-level BPE vocabulary: 256 byte tokens (so any text tokenizes), merges of common English
 * pairs, optionally `cjkCharacters` kana and CJK ideographs merged into one token each (without them a
 * CJK character falls back to its three UTF-8 byte tokens), unreachable filler words up to `size`, and
 * Phi-4 Mini's special tokens last (high ids, as in the real model).
 */
export function buildPhi4Vocabulary(size?: number, cjkCharacters = 0): Vocabulary {
  const byteAlphabet = gpt2ByteAlphabet();
  const tokens = [...byteAlphabet];
  const merges: string[] = [];
  const addMerge = (left: string, right: string): void => {
    merges.push(`${left} ${right}`);
    tokens.push(left + right);
  };
  const space = byteAlphabet[0x20] ?? "";
  for (const letter of LETTERS) addMerge(space, letter);
  for (const bigram of COMMON_BIGRAMS) addMerge(bigram.slice(0, 1), bigram.slice(1));
  for (const merge of COMMON_WORD_MERGES) {
    const [left = "", right = ""] = merge.split(" ");
    addMerge(left, right);
  }
  const taken = new Set(tokens);
  for (const character of cjkCharacterList(cjkCharacters)) {
    // Three UTF-8 bytes: the first two merge, then that pair with the third (pairs are shared).
    const [a = "", b = "", c = ""] = [...new TextEncoder().encode(character)].map(
      (byte) => byteAlphabet[byte],
    );
    for (const [left, right] of [
      [a, b],
      [a + b, c],
    ] as const) {
      if (taken.has(left + right)) continue;
      taken.add(left + right);
      addMerge(left, right);
    }
  }

  const minimumSize = tokens.length + phi4SpecialTokens.length;
  const targetSize = size ?? minimumSize;
  if (targetSize < minimumSize)
    throw new Error(`vocabulary size ${size} is below the minimum ${minimumSize}`);
  appendFillerWords(tokens, targetSize - minimumSize, space);
  const tokenTypes: number[] = tokens.map(() => TokenType.normal);

  const specialTokenIds = {} as Record<Phi4SpecialToken, number>;
  for (const special of phi4SpecialTokens) {
    specialTokenIds[special] = tokens.length;
    tokens.push(special);
    tokenTypes.push(TokenType.control);
  }
  return { tokens, tokenTypes, merges, specialTokenIds };
}

/** Hiragana, then katakana, then CJK ideographs from U+4E00: the first `count` of them. */
function cjkCharacterList(count: number): string[] {
  const ranges = [
    [0x3041, 0x3096],
    [0x30a1, 0x30fa],
    [0x4e00, 0x9fff],
  ] as const;
  const characters: string[] = [];
  for (const [first, last] of ranges) {
    for (let code = first; code <= last && characters.length < count; code++) {
      characters.push(String.fromCodePoint(code));
    }
  }
  return characters;
}

/** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest shift to U+0100 and up. */
function gpt2ByteAlphabet(): string[] {
  const isPrintable = (byte: number): boolean =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  let shifted = 0;
  return Array.from({ length: 256 }, (_, byte) =>
    String.fromCodePoint(isPrintable(byte) ? byte : 0x100 + shifted++),
  );
}

/** Space-prefixed letter words ("Ġaa", "Ġab", …): real-looking text when a random model samples them. */
function appendFillerWords(tokens: string[], count: number, space: string): void {
  const taken = new Set(tokens);
  const end = tokens.length + count;
  for (let n = 0; tokens.length < end; n++) {
    const word = space + bijectiveBase26(n);
    if (!taken.has(word)) tokens.push(word);
  }
}

function bijectiveBase26(n: number): string {
  let word = "";
  for (let rest = n + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    word = LETTERS[(rest - 1) % 26] + word;
  }
  return word;
}
