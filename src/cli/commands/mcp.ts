import type { Command } from "commander";
import { packageVersion } from "../../config/packageInfo.js";
import { createGuruMcpServer } from "../../mcp/guruMcpServer.js";
import { keepStdoutForProtocol, serveOverStdio } from "../../mcp/stdioServer.js";
import { openGuruApp } from "../guruApp.js";
import { stopOnSignals } from "../interrupt.js";
import { createRuntime, quietLogging, withServerFlag } from "../runtime.js";

interface McpFlags {
  readonly model?: string;
  readonly pull?: boolean;
  readonly maxTokens?: number;
  readonly logLevel?: string;
  readonly server?: string[];
}

export function registerMcp(program: Command): void {
  withServerFlag(program.command("mcp"))
    .description(
      "Serve the local model, cognitive analyses and memory to MCP clients (editors, agents) over stdio",
    )
    .option("-m, --model <path-or-uri>", "a GGUF file or hf:/https: URI (overrides GURU_MODEL)")
    .option("--pull", "download the model first if it is missing")
    .option("--max-tokens <n>", "longest plain answer, in tokens", Number)
    .option(
      "--log-level <level>",
      "debug, info, warn, error or silent (default: logLevel, else warn); logs go to stderr",
    )
    .action(async (flags: McpFlags) => {
      keepStdoutForProtocol();
      // Listening from the start to the process's end: a signal while the model loads, or while
      // the process winds down, stops it cleanly too.
      await serveMcp(flags, stopOnSignals());
    });
}

async function serveMcp(flags: McpFlags, stop: AbortSignal): Promise<void> {
  const runtime = createRuntime(flags, quietLogging);
  if (process.stdin.isTTY) {
    process.stderr.write(
      "guru mcp speaks the Model Context Protocol on stdin/stdout: add it to an MCP client (see the README, 'Editors and agents'). Ctrl-C stops it.\n",
    );
  }
  const app = await openGuruApp(runtime, { pull: flags.pull === true });
  const logger = runtime.logger.child("mcp");
  const shutdown = new AbortController();
  try {
    if (stop.aborted) return;
    const server = createGuruMcpServer({
      service: app.service,
      maxInputChars: runtime.config.assistant.maxInputChars,
      logger,
      version: packageVersion(),
      shutdown: shutdown.signal,
    });
    await serveOverStdio(server, { logger, shutdown, stop });
  } finally {
    shutdown.abort();
    await app.close();
  }
}
