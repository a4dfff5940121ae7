import { createServer, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP front for a real llama-server that can wedge the way llama-server does when its
 * SIGTERM handler deadlocks (docs/servers.md): `/health` still answers 200 while every other
 * request, and every answer already streaming, goes silent with its connection open.
 */
export class WedgingProxy {
  private wedged = false;
  private wedgeOnText = false;
  private readonly open = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
  ) {}

  static async start(targetUrl: string): Promise<WedgingProxy> {
    const server = createServer();
    const proxy = new WedgingProxy(server, new URL(targetUrl));
    server.on("request", (incoming, response) => {
      proxy.open.add(response);
      response.on("close", () => proxy.open.delete(response));
      if (proxy.wedged && incoming.url !== "/health") return;
      const forwarded = request(
        new URL(incoming.url ?? "/", proxy.target),
        { method: incoming.method, headers: { ...incoming.headers, host: proxy.target.host } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on("data", (chunk: Buffer) => {
            if (proxy.wedged) return;
            response.write(chunk);
            if (proxy.wedgeOnText && incoming.url === "/completion" && carriesText(chunk)) proxy.wedge();
          });
          answer.on("end", () => {
            if (!proxy.wedged) response.end();
          });
        },
      );
      forwarded.on("error", () => response.destroy());
      // The client gave up: so does the request to the real server, which frees its slot.
      response.on("close", () => forwarded.destroy());
      incoming.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Wedges as soon as an answer has streamed its first text through. */
  wedgeAfterFirstText(): void {
    this.wedgeOnText = true;
  }

  /** From now on only `/health` answers; answers streaming now stop where they are. */
  wedge(): void {
    this.wedged = true;
  }

  async close(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Whether a chunk of a `/completion` stream holds an event with text in it. */
function carriesText(chunk: Buffer): boolean {
  return /"content":"[^"]/.test(chunk.toString());
}
