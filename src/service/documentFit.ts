import type { ReadDocument } from "../conversation/readDocument.js";
import { documentBlock } from "./quotedContent.js";

/** Well above what text averages per token (English: about 4): past budget × this, nothing can fit. */
const maxCharsPerToken = 8;

/** Documents as they will be shown, cut to share `budget` tokens, and the tokens they take. */
export interface FittedDocuments {
  readonly documents: ReadDocument[];
  readonly tokens: number;
}

/**
 * Cuts a question's files to fit `budget` tokens, first file first: a file that does not fit whole
 * keeps its beginning, marked as cut (the prompt and the answer say so); one with no room left keeps
 * nothing but the mark. Tokens are counted on the quoted form the model sees; a cut is sized from
 * the file's own characters-per-token, so a file is tokenized a handful of times, and never past
 * the most the budget could hold: a 100 KB file costs what its first few thousand tokens cost.
 */
export function fitDocuments(
  documents: readonly ReadDocument[],
  budget: number,
  countTokens: (text: string) => number,
): FittedDocuments {
  const fitted: ReadDocument[] = [];
  let remaining = Math.max(0, budget);
  for (const document of documents) {
    // What lies past this cannot fit, so it is never counted.
    const reach = remaining * maxCharsPerToken;
    let shown =
      document.text.length > reach
        ? { name: document.name, text: cutText(document.text, reach), truncated: true }
        : document;
    let tokens = countTokens(documentBlock(shown));
    for (let attempt = 0; tokens > remaining && attempt < 4; attempt++) {
      const keep = Math.floor(shown.text.length * (remaining / tokens) * 0.95);
      shown = { name: document.name, text: cutText(document.text, keep), truncated: true };
      tokens = countTokens(documentBlock(shown));
    }
    if (tokens > remaining) {
      shown = { name: document.name, text: "", truncated: true };
      tokens = countTokens(documentBlock(shown));
    }
    fitted.push(shown);
    remaining = Math.max(0, remaining - tokens);
  }
  return { documents: fitted, tokens: Math.max(0, budget) - remaining };
}

/** The first `length` UTF-16 units, never half a surrogate pair, ending at a line break when one is near. */
function cutText(text: string, length: number): string {
  if (length <= 0) return "";
  let end = Math.min(length, text.length);
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  const lineEnd = text.lastIndexOf("\n", end);
  return text.slice(0, lineEnd > end * 0.9 ? lineEnd : end);
}
