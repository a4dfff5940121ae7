/** What Guru can do with a file: decode it as text, extract a PDF's text, or only say it can't. */
export type FileKind = "text" | "pdf" | "image" | "binary";

const textExtensions = new Set(
  (
    "txt text md markdown rst adoc log csv tsv json jsonl ndjson yaml yml toml ini cfg conf env xml html htm css " +
    "scss sass less js mjs cjs jsx ts tsx mts cts py pyi rb go rs java kt kts scala c h cc cpp cxx hpp hh cs " +
    "swift m mm php pl pm lua r sql sh bash zsh fish ps1 bat cmd dockerfile makefile gradle properties proto " +
    "graphql gql vue svelte tf hcl nix ex exs erl hs clj dart diff patch tex bib srt vtt"
  ).split(" "),
);

const imageExtensions = new Set("png jpg jpeg gif webp bmp tif tiff heic heif svg ico avif".split(" "));

const textMimeTypes = new Set([
  "application/json",
  "application/x-ndjson",
  "application/xml",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/javascript",
  "application/x-sh",
  "application/sql",
  "application/x-python",
]);

function extensionOf(name: string): string {
  const base = name.toLowerCase().split(/[\\/]/).at(-1) ?? "";
  const dot = base.lastIndexOf(".");
  return dot < 0 ? base : base.slice(dot + 1);
}

/** The kind the name and the platform's MIME type claim; null when neither says. */
export function claimedKind(name: string, mimeType: string | undefined): FileKind | null {
  const mime = (mimeType ?? "").toLowerCase().split(";")[0]?.trim() ?? "";
  const extension = extensionOf(name);
  if (mime === "application/pdf" || extension === "pdf") return "pdf";
  if (mime.startsWith("image/") || imageExtensions.has(extension)) return "image";
  if (mime.startsWith("text/") || textMimeTypes.has(mime) || textExtensions.has(extension)) return "text";
  return null;
}

/** The kind the bytes show: a PDF header, or text unless there are NUL bytes or invalid UTF-8. */
export function sniffedKind(bytes: Uint8Array): FileKind {
  if (startsWithAscii(bytes, "%PDF-")) return "pdf";
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return "binary";
  try {
    // A cut multi-byte character at the end of the sample is not a sign of binary data.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return "text";
  } catch {
    return "binary";
  }
}

function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}
