import type { IncomingMessage } from "node:http";

export interface ParsedBody {
  readonly body: unknown;
  readonly files: { readonly name: string; readonly data: Buffer }[];
}

/** A REST body as discord.js sends it: JSON, or multipart with `payload_json` and `files[n]`. */
export async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = request.headers["content-type"] ?? "";
  if (raw.length === 0) return { body: null, files: [] };
  if (!type.startsWith("multipart/form-data")) return { body: JSON.parse(raw.toString("utf8")), files: [] };
  const form = await new Response(raw, { headers: { "content-type": type } }).formData();
  const files: ParsedBody["files"] = [];
  let body: unknown = null;
  for (const [name, value] of form.entries()) {
    if (name === "payload_json" && typeof value === "string") body = JSON.parse(value);
    else if (typeof value !== "string")
      files.push({ name: value.name, data: Buffer.from(await value.arrayBuffer()) });
  }
  return { body, files };
}
