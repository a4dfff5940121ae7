import { Agent, type Dispatcher } from "undici";

/**
 * The HTTP transport under Slack's Web API client (its `fetch` option): each call is dispatched on
 * one keep-alive undici pool and its answer collected whole. The client's default, the global
 * `fetch`, takes about three times the CPU of Guru's event loop per call (WHATWG streams and abort
 * plumbing); undici's `request` still builds a body stream per call. Under a flood of mentions
 * every refusal is a post, and that time is taken from the answers decoding beside it.
 */
export class SlackTransport {
  private readonly pool = new Agent();

  readonly fetch: typeof fetch = (input, init = {}) => {
    const { body, signal } = init;
    // The Web API client sends a string; anything else (a multipart upload, a Request) is left
    // to the platform's fetch, which knows every body type.
    if (typeof input !== "string" || (body !== undefined && body !== null && typeof body !== "string")) {
      return fetch(input, init);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const url = new URL(input);
    return new Promise<Response>((resolve, reject) => {
      const collected = new CollectedResponse(resolve, reject, signal ?? undefined);
      this.pool.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: (init.method?.toUpperCase() ?? "GET") as Dispatcher.HttpMethod,
          headers: plainHeaders(init.headers),
          body: typeof body === "string" ? body : null,
        },
        collected,
      );
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
 * Collects one answer whole (Slack's answers are small JSON documents) and settles the call's
 * promise with it, or with the error. An abort of the client's signal (its timeout) ends the call
 * with the signal's reason at once, even while it still waits for a connection.
 */
class CollectedResponse implements Dispatcher.DispatchHandler {
  private status = 0;
  private statusText = "";
  private readonly headers = new Headers();
  private readonly chunks: Buffer[] = [];
  private controller: Dispatcher.DispatchController | undefined;
  private readonly abort = () => {
    this.controller?.abort(this.signal?.reason);
    this.fail(this.signal?.reason);
  };

  constructor(
    private readonly resolve: (response: Response) => void,
    private readonly reject: (error: unknown) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener("abort", this.abort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal?.aborted) controller.abort(this.signal.reason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.status = statusCode;
    this.statusText = statusMessage ?? "";
    for (const [name, value] of Object.entries(headers)) {
      if (Array.isArray(value)) for (const each of value) this.headers.append(name, each);
      else if (value !== undefined) this.headers.append(name, value);
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.signal?.removeEventListener("abort", this.abort);
    const whole = Buffer.concat(this.chunks);
    const content = whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength) as ArrayBuffer;
    this.resolve(
      new ReadResponse(content, { status: this.status, statusText: this.statusText, headers: this.headers }),
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** A promise settles once: an abort's reason wins over the error the abort then causes. */
  private fail(error: unknown): void {
    this.signal?.removeEventListener("abort", this.abort);
    this.reject(error);
  }
}

/**
 * A response whose body was read whole: its readers return the bytes, and it has no `body`
 * stream. Building that stream took a fifth of each call's CPU, and the Web API client only ever
 * reads the whole body.
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
