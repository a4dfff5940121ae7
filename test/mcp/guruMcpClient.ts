import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { emptyWorkdir, guruBin } from "../support/guruProcess.js";

export interface GuruMcpClient {
  readonly client: Client;
  /** What the server wrote to stderr (its logs): shown when a test fails. */
  stderr(): string;
  /** Errors the client met reading stdout: anything but protocol there shows up here. */
  readonly protocolErrors: Error[];
  call(
    name: string,
    args: Record<string, unknown>,
    options?: { onprogress?: (progress: Progress) => void; signal?: AbortSignal },
  ): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface GuruMcpOptions {
  /** A GGUF file, or null to answer through `GURU_SERVERS` given in `env`. */
  readonly model: string | null;
  readonly dataDir: string;
  /** What the client calls itself in `initialize`: Guru's memory space for it. */
  readonly clientName: string;
  readonly slots?: number;
  readonly env?: Record<string, string>;
}

/** `guru mcp` on a real stdio pipe, driven by the SDK's own client, as an editor would run it. */
export async function connectGuruMcp(options: GuruMcpOptions): Promise<GuruMcpClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      guruBin,
      "mcp",
      ...(options.model === null ? [] : ["--model", options.model]),
      "--max-tokens",
      "16",
    ],
    cwd: emptyWorkdir(),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GURU_THREADS: "1",
      GURU_SLOTS: String(options.slots ?? 1),
      GURU_DATA_DIR: options.dataDir,
      ...options.env,
    },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: options.clientName, version: "1.0.0" });
  const protocolErrors: Error[] = [];
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    protocolErrors,
    call: async (name, args, callOptions = {}) =>
      (await client.callTool({ name, arguments: args }, undefined, callOptions)) as CallToolResult,
    close: () => client.close(),
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}
