/**
 * Analyses are indexed by words prefixed with their scope (`s12xpostgres`), and questions search for
 * words prefixed the same way. A word therefore has one index entry per scope, which does two things:
 * a search can only ever match its own scope's analyses, and BM25's word statistics, computed over
 * every row a word matches, cost what one scope holds rather than the whole database, and reveal
 * nothing about other scopes.
 */

/**
 * Words so common that matching them ranks nothing and only lengthens the search; dropping them keeps
 * a question's search inside its few-millisecond budget.
 */
const stopWords = new Set(
  (
    "a an and are as at be but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our so than that the their them then there these they this to us was we were " +
    "what when where which who why will with would you your"
  ).split(" "),
);

const maxQueryTerms = 16;

function scopedWords(scopeId: number, text: string): string[] {
  const words =
    text
      .normalize("NFC")
      .toLowerCase()
      .match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  // The prefix is letters and digits only, ending in "x", so (scope, word) maps to one token.
  return words.filter((word) => !stopWords.has(word)).map((word) => `s${scopeId}x${word}`);
}

/** The text to index for an analysis in this scope. */
export function indexedText(scopeId: number, text: string): string {
  return scopedWords(scopeId, text).join(" ");
}

/**
 * An FTS5 expression matching any word of a person's text within this scope. Each word becomes a
 * quoted string, so FTS5 syntax in the text (quotes, `*`, `:`, `NEAR`, `AND`, column names) is only
 * ever searched for, never obeyed; the word pattern admits no `"`, so quoting is a complete escape.
 * Null when nothing searchable is left.
 */
export function scopedQuery(scopeId: number, text: string): string | null {
  const terms = [...new Set(scopedWords(scopeId, text))].slice(0, maxQueryTerms);
  return terms.length === 0 ? null : terms.map((term) => `"${term}"`).join(" OR ");
}
