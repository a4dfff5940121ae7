import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatBot } from "../../src/bots/chatBot.js";
import { configSchema } from "../../src/config/configSchema.js";
import type { Engine } from "../../src/engine/engine.js";
import { silentLogger } from "../../src/log/logger.js";
import { createMcpHttpEndpoint } from "../../src/mcp/httpEndpoint.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { sendRaw } from "../support/rawHttp.js";
import { openServiceRig, type ServiceRig } from "../support/serviceHarness.js";

describe("MCP over Streamable HTTP alongside the bots", () => {
  let engine: Engine;
  let rig: ServiceRig;
  let endpoint: ChatBot;
  let url: URL;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
    rig = openServiceRig(engine);
    const config = configSchema.parse({ mcp: { httpPort: 0 } });
    const logs: string[] = [];
    const created = createMcpHttpEndpoint({
      service: rig.service,
      config,
      secrets: {},
      logger: {
        ...silentLogger,
        child: () => ({ ...silentLogger, info: (line: string) => logs.push(line) }),
      },
    });
    if (!created) throw new Error("endpoint not created");
    endpoint = created;
    await endpoint.start();
    const address = /http:\/\/\S+\/mcp/.exec(logs.join("\n"))?.[0];
    if (!address) throw new Error(`no address logged: ${logs.join("\n")}`);
    url = new URL(address);
  });

  afterAll(async () => {
    await endpoint.stop();
    rig.close();
    await engine.close();
  });

  it("is off unless a port is configured", () => {
    expect(
      createMcpHttpEndpoint({
        service: rig.service,
        config: configSchema.parse({}),
        secrets: {},
        logger: silentLogger,
      }),
    ).toBeNull();
  });

  it("listens on the loopback interface by default (the logged URL is the socket's bound address)", () => {
    expect(url.hostname).toBe("127.0.0.1");
  });

  it("reports itself ready while it listens (what /healthz asks)", () => {
    expect(endpoint.readiness()).toEqual({ ready: true });
  });

  it("serves the same tools over HTTP, sharing the running engine", async () => {
    const client = new Client({ name: "http-editor", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url));
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((tool) => tool.name).sort()).toEqual([
        "ask",
        "cognitive_analysis",
        "memory",
        "search_memory",
        "status",
      ]);
      const completedBefore = engine.stats().completed;
      const answer = await client.callTool({ name: "ask", arguments: { prompt: "Hello over HTTP" } });
      expect(answer.isError).toBeFalsy();
      expect(engine.stats().completed).toBe(completedBefore + 1);
    } finally {
      await client.close();
    }
  });

  it("refuses a request that names no known session", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": "nope",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(404);
  });

  describe("hostile request bodies", () => {
    const mcpHeaders = { accept: "application/json, text/event-stream" };
    const tenMegabytes = 10 * 1024 * 1024;

    /** A new session can still be opened and used: the process survived and still serves. */
    async function stillServes(): Promise<void> {
      const client = new Client({ name: "after-hostile", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(url));
      try {
        expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    }

    it("answers malformed JSON with 400 and a JSON-RPC parse error", async () => {
      const response = await sendRaw({
        url: url.href,
        headers: { ...mcpHeaders, "content-type": "application/json" },
        body: Buffer.from('{"jsonrpc":"2.0","id":1,"method":"initialize",'),
      });

      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: -32700 } });
      await stillServes();
    });

    it("refuses a body that is not JSON with 415", async () => {
      const response = await sendRaw({
        url: url.href,
        headers: { ...mcpHeaders, "content-type": "text/plain" },
        body: Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" })),
      });

      expect(response.status).toBe(415);
      await stillServes();
    });

    it("refuses a body over its 1 MiB limit with 413 from Content-Length, before reading it", async () => {
      const response = await sendRaw({
        url: url.href,
        headers: { ...mcpHeaders, "content-type": "application/json" },
        body: Buffer.from('{"jsonrpc":"2.0","id":1,"method":"initialize","params":"'),
        claimedLength: 2 * 1024 * 1024,
      });

      expect(response.status).toBe(413);
      await stillServes();
    });

    it("stops reading a chunked 10 MB body past the limit and answers 413", async () => {
      const response = await sendRaw({
        url: url.href,
        headers: { ...mcpHeaders, "content-type": "application/json" },
        body: Buffer.alloc(tenMegabytes, "a"),
        chunked: true,
      });

      expect(response.status).toBe(413);
      expect(response.bytesSent).toBeLessThan(tenMegabytes);
      await stillServes();
    });
  });
});
