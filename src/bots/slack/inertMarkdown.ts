/**
 * Slack's control sequences a model could write into `markdown_text`: `<!channel>`, `<!here>`,
 * `<!everyone>`, `<!subteam^…>`, `<!date^…>`, `<@U…>`, `<#C…>`.
 */
const controlSequence = /<(?=!(?:channel|here|everyone|subteam\^|date\^)|[@#][A-Z0-9])/gi;

/** Long enough after a `<` to tell whether it opens a control sequence (`<!everyone` is 10). */
const decidingLength = 12;

/**
 * Markdown for a streamed message with every control sequence made inert by a zero-width space
 * after its `<` (it still reads as written, but notifies nobody). For text still growing, the
 * tail after a `<` that is not yet decidable is held back, so what is returned for a prefix of
 * the text is always a prefix of what is returned for the whole: it can be streamed in pieces.
 */
export function inertMarkdown(text: string, complete: boolean): string {
  let decided = text;
  if (!complete) {
    for (
      let open = text.indexOf("<", text.length - decidingLength);
      open >= 0;
      open = text.indexOf("<", open + 1)
    ) {
      if (!text.includes(">", open)) {
        decided = text.slice(0, open);
        break;
      }
    }
  }
  return decided.replace(controlSequence, "<\u200b");
}
