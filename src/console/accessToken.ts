import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** The cookie a first visit with `?token=` sets, so the page's own requests carry the token. */
export const tokenCookie = "guru_console";

/** True for an address only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

/** A fresh access token: 192 random bits, URL-safe. */
export function newAccessToken(): string {
  return randomBytes(24).toString("base64url");
}

/** The token a request carries: `Authorization: Bearer …`, else the cookie. */
export function presentedToken(request: IncomingMessage): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  if (bearer) return bearer;
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === tokenCookie) return value.join("=");
  }
  return null;
}

/** Compares in constant time, so the answer's timing tells nothing about the token. */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenCookieHeader(token: string): string {
  return `${tokenCookie}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
