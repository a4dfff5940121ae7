import type { ReadDocument } from "../conversation/readDocument.js";

/**
 * What the answer says it could not read or read only in part: each note once, in the order met.
 * The service appends it to the reply's Markdown, so every front shows it the same way.
 */
export function readNotes(frontNotes: readonly string[], documents: readonly ReadDocument[]): string[] {
  const cut = documents
    .filter((document) => document.truncated)
    .map((document) => `I read only the first part of ${document.name}.`);
  return [...new Set([...frontNotes, ...cut])];
}

export function withReadNotes(markdown: string, notes: readonly string[]): string {
  return notes.length === 0 ? markdown : `${markdown}\n\n**Note:** ${notes.join(" ")}`;
}
