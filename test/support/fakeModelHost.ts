import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeModelHost {
  /** For `HF_ENDPOINT`: `hf:owner/repo/file.gguf` resolves to `${endpoint}owner/repo/resolve/main/file.gguf`. */
  readonly endpoint: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves one file for every `.gguf` path on 127.0.0.1, with range requests (resumable downloads). */
export async function startFakeModelHost(filePath: string): Promise<FakeModelHost> {
  const data = readFileSync(filePath);
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    requests.push(`${request.method} ${path}`);
    if (!path.endsWith(".gguf")) {
      response.writeHead(404).end();
      return;
    }
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const end = range?.[2] ? Number(range[2]) : data.length - 1;
    response.writeHead(range ? 206 : 200, {
      "content-length": end - start + 1,
      "accept-ranges": "bytes",
      "content-type": "application/octet-stream",
      ...(range ? { "content-range": `bytes ${start}-${end}/${data.length}` } : {}),
    });
    response.end(request.method === "HEAD" ? undefined : data.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
