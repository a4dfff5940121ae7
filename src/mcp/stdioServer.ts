import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { GuruError } from "../errors.js";
import type { Logger } from "../log/logger.js";

/**
 * Stdout carries the protocol and nothing else: a stray `console.log` (ours or a library's)
 * would corrupt a message, so it goes to stderr with the logs.
 */
export function keepStdoutForProtocol(): void {
  const toStderr = (...values: unknown[]) => console.error(...values);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/**
 * Serves `server` on stdin/stdout until the client leaves (closes stdin, or the pipe breaks) or
 * `stop` is aborted (the process was asked to stop). Then running calls are cancelled through
 * `shutdown` (their slots come free at once) and the server is closed; resolves with why it stopped.
 */
export async function serveOverStdio(
  server: McpServer,
  options: { readonly logger: Logger; readonly shutdown: AbortController; readonly stop: AbortSignal },
): Promise<string> {
  const { logger, shutdown, stop } = options;
  const stopped = new Promise<string>((resolve) => {
    process.stdin.once("end", () => resolve("the client closed the connection"));
    process.stdout.once("error", (error) => resolve(`stdout failed: ${error.message}`));
    const stopped = () => resolve(stop.reason instanceof Error ? stop.reason.message : "asked to stop");
    if (stop.aborted) stopped();
    else stop.addEventListener("abort", stopped, { once: true });
    server.server.onclose = () => resolve("the transport closed");
  });
  // A malformed line is reported and skipped; the connection and the other calls carry on.
  server.server.onerror = (error) => logger.warn("MCP protocol error", { error: error.message });
  await server.connect(new StdioServerTransport());
  logger.info("MCP server ready on stdio");
  const reason = await stopped;
  logger.info(`MCP server stopping: ${reason}`);
  shutdown.abort(new GuruError("SHUTTING_DOWN", "Guru's MCP server is stopping; this call was cancelled."));
  await server.close();
  return reason;
}
