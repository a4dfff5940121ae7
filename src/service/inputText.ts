/**
 * Cleans text from a platform before anything else sees it: control characters go (newlines and
 * tabs stay), unpaired UTF-16 surrogates become U+FFFD so every later step gets valid text.
 */
export function cleanInputText(text: string): string {
  return (
    text
      .toWellFormed()
      .replace(/\r\n?/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, "")
      .trim()
  );
}

/** Blank, or nothing but zero-width and directional marks. */
export function isBlank(text: string): boolean {
  return text.replace(/[\s\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, "") === "";
}
