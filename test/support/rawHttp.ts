import { connect, type Socket } from "node:net";

/** A request written byte for byte onto a TCP socket: no client library tidies it up. */
export interface RawRequest {
  readonly url: string;
  readonly method?: string;
  readonly headers: Record<string, string>;
  /** Sent as is; `Content-Length` is added unless `chunked`. */
  readonly body: Buffer;
  /** Sent with `Transfer-Encoding: chunked`, 64 KiB a chunk, so the server cannot know its size up front. */
  readonly chunked?: boolean;
  /** Announce this `Content-Length` but send only `body` (a client that claims more than it sends). */
  readonly claimedLength?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly body: string;
  /** Body bytes written before the server answered: a server that caps bodies answers early. */
  readonly bytesSent: number;
}

const chunkBytes = 64 * 1024;

/** Sends `request` and resolves with the response, stopping the upload as soon as it arrives. */
export function sendRaw(request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(request.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    let bytesSent = 0;
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within ${timeoutMs} ms (${bytesSent} body bytes sent)`));
    }, timeoutMs);
    const finish = () => {
      const response = parseResponse(received);
      if (!response) return false;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...response, bytesSent });
      return true;
    };
    socket.on("data", (data: Buffer) => {
      received = Buffer.concat([received, data]);
      answered = true;
      finish();
    });
    // The server may close (or reset) the connection once it has answered; what it sent counts.
    socket.on("error", () => {
      if (!finish()) {
        clearTimeout(timer);
        reject(new Error(`connection failed before a response (${bytesSent} body bytes sent)`));
      }
    });
    socket.on("end", () => {
      if (!finish()) {
        clearTimeout(timer);
        reject(new Error("connection closed before a complete response"));
      }
    });
    socket.once("connect", () => {
      void upload(
        socket,
        request,
        () => answered,
        (n) => {
          bytesSent += n;
        },
      );
    });
  });
}

async function upload(
  socket: Socket,
  request: RawRequest,
  answered: () => boolean,
  sent: (bytes: number) => void,
): Promise<void> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { host: url.host, ...request.headers };
  if (request.chunked) headers["transfer-encoding"] = "chunked";
  else headers["content-length"] = String(request.claimedLength ?? request.body.length);
  const head = [
    `${request.method ?? "POST"} ${url.pathname}${url.search} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "",
    "",
  ].join("\r\n");
  if (!(await write(socket, Buffer.from(head)))) return;
  for (let offset = 0; offset < request.body.length; offset += chunkBytes) {
    if (answered() || socket.destroyed) return;
    const chunk = request.body.subarray(offset, offset + chunkBytes);
    const framed = request.chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
      : chunk;
    if (!(await write(socket, framed))) return;
    sent(chunk.length);
  }
  if (request.chunked && !answered()) await write(socket, Buffer.from("0\r\n\r\n"));
}

/** Writes with backpressure, so bytes are counted as the server takes them, not as queued here. */
function write(socket: Socket, data: Buffer): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    socket.write(data, (error) => resolve(!error));
  });
}

/** The response once all of it (per `Content-Length`, or a chunked body's last chunk) has arrived. */
function parseResponse(data: Buffer): { status: number; body: string } | null {
  const text = data.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return null;
  const [statusLine = "", ...headerLines] = text.slice(0, headEnd).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const header = (name: string) =>
    headerLines
      .find((line) => line.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim();
  const rest = data.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1"));
  const length = header("content-length");
  if (length !== undefined) {
    if (rest.length < Number(length)) return null;
    return { status, body: rest.subarray(0, Number(length)).toString("utf8") };
  }
  if (header("transfer-encoding")?.toLowerCase() === "chunked") {
    const chunks: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n", offset);
      if (lineEnd < 0) return null;
      const size = Number.parseInt(rest.subarray(offset, lineEnd).toString("latin1"), 16);
      if (size === 0) return { status, body: Buffer.concat(chunks).toString("utf8") };
      if (rest.length < lineEnd + 2 + size + 2) return null;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
  }
  // No length: the body ends with the connection; a status line and headers are enough here.
  return { status, body: rest.toString("utf8") };
}
