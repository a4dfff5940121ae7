import { Agent, request } from "undici";

/**
 * The HTTP transport under Slack's Web API client (its `fetch` option): undici's request API on
 * one keep-alive pool. The client's default, the global `fetch`, takes about twice the CPU of
 * Guru's event loop per call (WHATWG streams and abort plumbing): under a flood of mentions every
 * refusal is a post, and that time is taken from the answers decoding beside it.
 */
export class SlackTransport {
  private readonly pool = new Agent();

  readonly fetch: typeof fetch = async (input, init = {}) => {
    const { body } = init;
    // The Web API client sends a string; anything else (a multipart upload, a Request) is left
    // to the platform's fetch, which knows every body type.
    if (typeof input !== "string" || (body !== undefined && body !== null && typeof body !== "string")) {
      return fetch(input, init);
    }
    const response = await request(input, {
      method: init.method?.toUpperCase() ?? "GET",
      headers: plainHeaders(init.headers),
      ...(typeof body === "string" ? { body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      dispatcher: this.pool,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const each of value) headers.append(name, each);
      else if (value !== undefined) headers.append(name, value);
    }
    return new ReadResponse(await response.body.arrayBuffer(), {
      status: response.statusCode,
      statusText: response.statusText,
      headers,
    });
  };

  /** Closes the pool's idle connections; a call under way still finishes. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

function plainHeaders(headers: HeadersInit | undefined): Record<string, string> {
  if (headers === undefined) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(headers);
  return headers;
}

/**
 * A response whose body was read whole (Slack's answers are small JSON documents): its readers
 * return the bytes, and it has no `body` stream. Building that stream took a fifth of each call's
 * CPU, and the Web API client only ever reads the whole body.
 */
class ReadResponse extends Response {
  readonly #content: ArrayBuffer;

  constructor(content: ArrayBuffer, init: ResponseInit) {
    super(null, init);
    this.#content = content;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#content;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(this.#content);
  }

  override async blob(): Promise<Blob> {
    return new Blob([this.#content], { type: this.headers.get("content-type") ?? "" });
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(this.#content);
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}
