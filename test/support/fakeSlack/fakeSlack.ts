import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeSocketMode } from "./socketMode.js";
import { FakeWebApi } from "./webApi.js";

/** A local, protocol-faithful Slack on 127.0.0.1: the Web API, Socket Mode, uploads, shared files and response URLs. */
export interface FakeSlack {
  /** What `SLACK_API_URL` points at. */
  readonly apiUrl: string;
  /** Where slash commands' `response_url`s lead. */
  readonly responseUrl: string;
  readonly web: FakeWebApi;
  readonly socket: FakeSocketMode;
  close(): Promise<void>;
}

export interface FakeSlackOptions {
  /** The origin `apps.connections.open` sends Socket Mode clients to: the fake's own unless told (e.g. one that cannot be reached). */
  readonly socketOrigin?: string;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  let base = "";
  const socket = new FakeSocketMode();
  const web = new FakeWebApi(
    () => base,
    () => `${options.socketOrigin ?? base.replace(/^http/, "ws")}/link/?ticket=${Date.now()}&app_id=fake`,
  );
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (request.method === "GET" && path.startsWith("/files-pri/"))
      return web.serveFile(request, response, path);
    if (request.method !== "POST" || !/^\/(api|upload|respond)\//.test(path)) {
      response.writeHead(404).end();
      return;
    }
    web.handle(request, response, path).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  server.on("upgrade", (request, duplex, head) => {
    if (request.url?.startsWith("/link/")) socket.accept(request, duplex, head);
    else duplex.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: `${base}/respond`,
    web,
    socket,
    close: async () => {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
