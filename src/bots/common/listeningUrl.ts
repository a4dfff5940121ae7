import type { AddressInfo } from "node:net";

/**
 * The URL of a server at the address its socket is really bound to (from `server.address()`), not
 * the host name it was configured with: what Guru logs is where it truly listens.
 */
export function listeningUrl(bound: AddressInfo, path: string): string {
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}${path}`;
}
