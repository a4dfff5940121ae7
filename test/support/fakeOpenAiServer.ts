import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the fake does with the next `POST /v1/chat/completions`. */
export interface ChatScript {
  /** Streamed one chunk (one "token") each. Default: "Hello", " there", "!". */
  readonly pieces?: readonly string[];
  /** The probability each piece was chosen with (as `logprobs`); default 0.9 each. */
  readonly probabilities?: readonly number[];
  /** Send `logprobs` when asked (default true); false: like a server that gives none. */
  readonly logprobs?: boolean;
  readonly finishReason?: "stop" | "length";
  /** Prompt tokens the usage chunk says were cached (the chunk is sent when asked). */
  readonly cachedTokens?: number;
  /** Answer with this HTTP error instead of a stream. */
  readonly refuse?: {
    readonly status: number;
    readonly code: string | number;
    readonly type: string;
    readonly message: string;
    readonly retryAfterSeconds?: number;
  };
  /** Destroy the connection after this many content chunks (no finish, no [DONE]). */
  readonly dropAfter?: number;
  /** Send `data: {"error":…}` after this many content chunks and end the stream. */
  readonly errorAfter?: number;
  /** Wait this long before each content chunk. */
  readonly delayMs?: number;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The parsed JSON body (undefined for GET). */
  readonly body: Record<string, unknown> | undefined;
}

export interface FakeModel {
  readonly id: string;
  /** vLLM's extra field on a model card: the context length it serves. */
  readonly max_model_len?: number;
}

export interface FakeOpenAiServer {
  /** Base URL, e.g. http://127.0.0.1:PORT (the backend appends /v1/...). */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Chat streams whose client closed the connection before the stream ended. */
  readonly closedByClient: number;
  /** The model list `/v1/models` answers with. */
  models: FakeModel[];
  /** A status for `/v1/models` other than 200 (e.g. 503 while loading); null: serve the list. */
  modelsStatus: number | null;
  /** Queue scripts for the next chat requests, in order; later requests get the default script. */
  script(...scripts: ChatScript[]): void;
  /** Resolves once `closedByClient` reaches `count`. */
  clientClosed(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local stand-in for an OpenAI-compatible server (vLLM, Ollama, LM Studio) on 127.0.0.1, with
 * the shapes OpenAI documents: `chat.completion.chunk` events whose choices carry `delta` and
 * `logprobs.content[{token, logprob, bytes, top_logprobs}]`, a usage chunk with empty `choices`
 * when `stream_options.include_usage` is set, `data: [DONE]`, a `/v1/models` list, and errors as
 * `{"error":{"message","type","code"}}`. Scriptable per request, and it records what it received.
 */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const requests: ReceivedRequest[] = [];
  const queued: ChatScript[] = [];
  const sockets = new Set<Socket>();
  let closedByClient = 0;
  let closeWaiters: (() => void)[] = [];

  const server: Server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const fake: FakeOpenAiServer = {
    url: "",
    requests,
    get closedByClient() {
      return closedByClient;
    },
    models: [{ id: "fake/phi-4-mini" }],
    modelsStatus: null,
    script: (...scripts) => queued.push(...scripts),
    clientClosed: (count) =>
      new Promise((resolve) => {
        const check = () => {
          if (closedByClient >= count) resolve();
          else closeWaiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const raw = await readBody(request);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    requests.push({
      method: request.method ?? "GET",
      path,
      authorization: request.headers.authorization,
      body,
    });
    if (request.method === "GET" && path === "/v1/models") return listModels(response);
    if (request.method === "POST" && path === "/v1/chat/completions" && body) {
      return streamChat(body, queued.shift() ?? {}, response);
    }
    sendError(response, 404, {
      code: "not_found",
      type: "invalid_request_error",
      message: `no route ${path}`,
    });
  }

  function listModels(response: ServerResponse): void {
    if (fake.modelsStatus !== null) {
      sendError(response, fake.modelsStatus, {
        code: "unavailable",
        type: "server_error",
        message: "Loading model",
      });
      return;
    }
    sendJson(response, 200, {
      object: "list",
      data: fake.models.map((model) => ({
        object: "model",
        created: 1_700_000_000,
        owned_by: "fake",
        ...model,
      })),
    });
  }

  async function streamChat(body: Record<string, unknown>, script: ChatScript, response: ServerResponse) {
    if (script.refuse) {
      const { status, retryAfterSeconds, ...error } = script.refuse;
      const headers: Record<string, string> =
        retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) };
      sendError(response, status, error, headers);
      return;
    }
    let finished = false;
    response.on("close", () => {
      if (finished) return;
      closedByClient += 1;
      const waiters = closeWaiters;
      closeWaiters = [];
      for (const waiter of waiters) waiter();
    });
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const id = `chatcmpl-${requests.length}`;
    const model = typeof body.model === "string" ? body.model : "unknown";
    const chunk = (choices: unknown[], extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1_700_000_000, model, choices, ...extra })}\n\n`;
    const pieces = script.pieces ?? ["Hello", " there", "!"];
    const withLogprobs = body.logprobs === true && script.logprobs !== false;
    // Each write waits until flushed, so a scripted drop loses nothing written before it.
    const send = (data: string) => new Promise<void>((resolve) => response.write(data, () => resolve()));
    await send(
      chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]),
    );
    for (const [i, piece] of pieces.entries()) {
      if (script.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
      if (response.destroyed) return;
      if (i === script.dropAfter) {
        response.socket?.destroy();
        finished = true;
        return;
      }
      if (i === script.errorAfter) {
        response.end(
          `data: ${JSON.stringify({ error: { message: "The model failed", type: "server_error", code: 500 } })}\n\n`,
        );
        finished = true;
        return;
      }
      const logprobs = withLogprobs
        ? { content: [tokenLogprob(piece, script.probabilities?.[i] ?? 0.9)], refusal: null }
        : null;
      await send(chunk([{ index: 0, delta: { content: piece }, logprobs, finish_reason: null }]));
    }
    response.write(
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: script.finishReason ?? "stop" }]),
    );
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) {
      const promptTokens = JSON.stringify(body.messages ?? []).length >> 2;
      const usage = {
        prompt_tokens: promptTokens,
        completion_tokens: pieces.length,
        total_tokens: promptTokens + pieces.length,
        ...(script.cachedTokens === undefined
          ? {}
          : { prompt_tokens_details: { cached_tokens: script.cachedTokens } }),
      };
      response.write(chunk([], { usage }));
    }
    finished = true;
    response.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, { url: `http://127.0.0.1:${port}` });
  return fake;
}

function tokenLogprob(token: string, probability: number) {
  const entry = { token, logprob: Math.log(probability), bytes: [...Buffer.from(token, "utf8")] };
  return { ...entry, top_logprobs: [entry] };
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(value));
}

function sendError(
  response: ServerResponse,
  status: number,
  error: { code: string | number; type: string; message: string },
  headers: Record<string, string> = {},
) {
  sendJson(
    response,
    status,
    { error: { message: error.message, type: error.type, param: null, code: error.code } },
    headers,
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const pieces: Buffer[] = [];
  for await (const piece of request) pieces.push(piece as Buffer);
  return Buffer.concat(pieces).toString("utf8");
}
