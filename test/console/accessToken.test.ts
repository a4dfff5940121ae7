import { describe, expect, it } from "vitest";
import { isLoopbackHost, newAccessToken, tokenMatches } from "../../src/console/accessToken.js";

describe("the console's access rules", () => {
  it("counts only addresses this machine alone can reach as loopback", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.5", "127.0.0.1.example.com", "localhost.example", ""])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it("makes a new unguessable token each time", () => {
    const tokens = new Set(Array.from({ length: 50 }, newAccessToken));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("accepts only the exact token", () => {
    const token = newAccessToken();
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(null, token)).toBe(false);
    expect(tokenMatches("", token)).toBe(false);
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
  });
});
