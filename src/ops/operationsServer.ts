import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { listeningUrl } from "../bots/common/listeningUrl.js";
import { GuruError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { OperationsMetrics } from "./operationsMetrics.js";
import { healthReport, type PartsReadiness } from "./partsReadiness.js";

export interface OperationsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly parts: PartsReadiness;
  readonly metrics: OperationsMetrics;
  readonly logger: Logger;
}

export interface OperationsServer {
  /** Where it listens, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The operations port: `GET /healthz` (200 when the engine and every configured front are
 * ready, else 503 naming what is not; JSON either way) and `GET /metrics` (Prometheus text).
 * It reads stats only and takes no requests of any other kind.
 */
export async function startOperationsServer(options: OperationsServerOptions): Promise<OperationsServer> {
  const { host, port, logger } = options;
  const server = createServer((request, response) => {
    answer(request, response, options).catch((error: unknown) => {
      logger.error("an operations request failed", { error });
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("internal error\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new GuruError(
          "CONFIG_INVALID",
          `The operations port cannot listen on ${host}:${port}: ${error.message}. Choose another ops.port (GURU_OPS_PORT).`,
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, resolve);
  });
  const url = listeningUrl(server.address() as AddressInfo, "");
  logger.info(`health and metrics at ${url}/healthz and ${url}/metrics`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, options: OperationsServerOptions) {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path !== "/healthz" && path !== "/metrics") {
    response
      .writeHead(404, { "content-type": "text/plain" })
      .end("Guru serves GET /healthz and GET /metrics here\n");
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("only GET\n");
    return;
  }
  if (path === "/healthz") {
    const report = healthReport(options.parts.now());
    response
      .writeHead(report.status === "ok" ? 200 : 503, {
        "content-type": "application/json",
        "cache-control": "no-store",
      })
      .end(`${JSON.stringify(report)}\n`);
    return;
  }
  const text = await options.metrics.exposition();
  response.writeHead(200, { "content-type": options.metrics.contentType }).end(text);
}
