import { readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const mediaTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

export interface PageFile {
  readonly body: Buffer;
  readonly mediaType: string;
}

/** Where the build puts the page: the compiled modules next to the copied HTML and CSS. */
export const pageDirectory = fileURLToPath(new URL("./page/", import.meta.url));

/**
 * The page's files, read once at start and served from memory by name: a request can only ever
 * get one of these (no path is joined from a URL), and the page needs nothing from elsewhere.
 */
export function readPageFiles(directory: string = pageDirectory): ReadonlyMap<string, PageFile> {
  const files = new Map<string, PageFile>();
  for (const name of readdirSync(directory)) {
    const mediaType = mediaTypes[extname(name)];
    if (mediaType) files.set(name, { body: readFileSync(join(directory, name)), mediaType });
  }
  return files;
}
