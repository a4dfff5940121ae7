import { describe, expect, it } from "vitest";
import { UserRateLimiter } from "../../src/bots/common/userRateLimiter.js";

describe("UserRateLimiter", () => {
  it("allows up to the limit in a window, then says when to retry", () => {
    let now = 0;
    const limiter = new UserRateLimiter({ requests: 2, windowSeconds: 60 }, () => now);
    expect(limiter.take("u").allowed).toBe(true);
    now = 10_000;
    expect(limiter.take("u").allowed).toBe(true);
    expect(limiter.take("u")).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(limiter.take("other").allowed).toBe(true);
    now = 60_001;
    expect(limiter.take("u").allowed).toBe(true);
  });
});
