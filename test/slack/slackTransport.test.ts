import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlackTransport } from "../../src/bots/slack/slackTransport.js";

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

describe("the HTTP transport under Slack's Web API client", () => {
  let server: Server;
  let base: string;
  let transport: SlackTransport;
  const received: Received[] = [];
  /** What the server answers next: status, headers, body. */
  let answer: { status: number; headers: Record<string, string | string[]>; body: string };

  beforeEach(async () => {
    received.length = 0;
    answer = { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' };
    server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        body += chunk;
      });
      request.on("end", () => {
        received.push({ method: request.method, url: request.url, headers: request.headers, body });
        if (request.url === "/api/slow") return; // never answers
        response.writeHead(answer.status, answer.headers);
        response.end(answer.status === 204 ? undefined : answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    transport = new SlackTransport();
  });

  afterEach(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("sends the call's method, headers and body as given", async () => {
    await transport.fetch(`${base}chat.postMessage`, {
      method: "POST",
      headers: { Authorization: "Bearer xoxb-1", "Content-Type": "application/json; charset=utf-8" },
      body: '{"channel":"C1","text":"héllo"}',
    });
    expect(received).toEqual([
      expect.objectContaining({
        method: "POST",
        url: "/api/chat.postMessage",
        headers: expect.objectContaining({
          authorization: "Bearer xoxb-1",
          "content-type": "application/json; charset=utf-8",
        }),
        body: '{"channel":"C1","text":"héllo"}',
      }),
    ]);
  });

  it("reads back Slack's status, headers (each of a repeated one) and body", async () => {
    answer = {
      status: 429,
      headers: { "retry-after": "7", "x-oauth-scopes": "chat:write", vary: ["a", "b"] },
      body: '{"ok":false,"error":"ratelimited"}',
    };
    const response = await transport.fetch(`${base}chat.update`, { method: "POST", body: "x=1" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.headers.get("x-oauth-scopes")).toBe("chat:write");
    expect(response.headers.get("vary")).toBe("a, b");
    expect(await response.json()).toEqual({ ok: false, error: "ratelimited" });
  });

  it("answers a response without a body (204) with an empty one", async () => {
    answer = { status: 204, headers: {}, body: "" };
    const response = await transport.fetch(`${base}chat.delete`, { method: "POST", body: "x=1" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });

  it("gives up a call when its signal aborts (the client's timeout)", async () => {
    const call = transport.fetch(`${base}slow`, {
      method: "POST",
      body: "x=1",
      signal: AbortSignal.timeout(200),
    });
    await expect(call).rejects.toThrow();
    expect(received.map((r) => r.url)).toEqual(["/api/slow"]);
  });

  it("sends a body it does not handle itself (a multipart upload) through the platform's fetch", async () => {
    const form = new FormData();
    form.append("file", new Blob(["bytes"]), "notes.txt");
    const response = await transport.fetch(`${base}files.upload`, { method: "POST", body: form });
    expect(response.status).toBe(200);
    expect(received[0]?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(received[0]?.body).toContain("bytes");
  });
});
