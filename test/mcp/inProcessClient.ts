import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { silentLogger } from "../../src/log/logger.js";
import { createGuruMcpServer } from "../../src/mcp/guruMcpServer.js";
import type { McpService } from "../../src/mcp/toolContext.js";

export interface InProcessMcp {
  readonly client: Client;
  close(): Promise<void>;
}

/** Guru's MCP server on `service`, and the SDK's client talking to it in this process. */
export async function connectInProcess(service: McpService, clientName: string): Promise<InProcessMcp> {
  const shutdown = new AbortController();
  const server = createGuruMcpServer({
    service,
    maxInputChars: 2000,
    logger: silentLogger,
    version: "test",
    shutdown: shutdown.signal,
  });
  const client = new Client({ name: clientName, version: "1.0.0" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    close: async () => {
      shutdown.abort();
      await client.close();
      await server.close();
    },
  };
}
