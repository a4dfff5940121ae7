/** The first bytes of a file (at most `maxBytes`), and whether there were more. */
export interface Download {
  readonly bytes: Uint8Array;
  readonly cut: boolean;
}

export type DownloadOutcome =
  | { readonly kind: "downloaded"; readonly download: Download }
  | { readonly kind: "foreignOrigin"; readonly origin: string }
  | { readonly kind: "httpStatus"; readonly status: number };

export interface DownloadOptions {
  readonly allowedOrigins: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

/** Slack's file links may redirect once or twice (to a CDN path on the same host). */
const maxRedirects = 3;

/** The origin of a URL, or null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * Fetches a file only from the allowed origins: the URL and every redirect are checked before any
 * request, so a crafted link or a redirect can never make Guru call another host. The body is read
 * as a stream and stopped at `maxBytes`, so a huge file costs no more than the cap.
 */
export async function guardedDownload(url: string, options: DownloadOptions): Promise<DownloadOutcome> {
  const allowed = new Set(options.allowedOrigins.map((origin) => originOf(origin) ?? origin));
  let current = url;
  for (let hop = 0; ; hop++) {
    const origin = originOf(current);
    if (origin === null || !allowed.has(origin)) return { kind: "foreignOrigin", origin: origin ?? current };
    const response = await fetch(current, {
      redirect: "manual",
      ...(options.headers ? { headers: { ...options.headers } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null && hop < maxRedirects) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: "httpStatus", status: response.status };
    }
    return { kind: "downloaded", download: await readCapped(response, options.maxBytes) };
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<Download> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let cut = false;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - length;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      length += room;
      cut = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    length += value.byteLength;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, cut };
}
