/**
 * The text of a PDF, page by page, through pdfjs-dist (Mozilla's PDF reader; the legacy build runs
 * on Node 20). Loaded on first use: most questions carry no PDF.
 */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const { getDocument, VerbosityLevel } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const task = getDocument({
    // pdfjs takes ownership of the buffer it is given.
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: VerbosityLevel.ERRORS,
  });
  const document = await task.promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const line = content.items
        .map((item) => ("str" in item ? `${item.str}${item.hasEOL ? "\n" : ""}` : ""))
        .join("");
      pages.push(line.trim());
      page.cleanup();
    }
    return pages.filter((page) => page !== "").join("\n\n");
  } finally {
    await task.destroy();
  }
}
