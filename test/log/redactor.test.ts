import { describe, expect, it } from "vitest";
import { createRedactor } from "../../src/log/redactor.js";
import { realShapedSecrets as secret } from "../support/realShapedSecrets.js";

describe("the redactor", () => {
  const redact = createRedactor([]);

  it.each(Object.entries(secret))(
    "hides a %s by its shape alone, wherever it is in a line",
    (_name, value) => {
      expect(redact(`before "${value}" after`)).toBe('before "[redacted]" after');
    },
  );

  it("hides Slack refresh tokens too", () => {
    expect(redact("xoxe.xoxp-1-Mi0yLTE4NzU0MzIxMDk4")).toBe("[redacted]");
    expect(redact("xoxe-1-My0xLTE4NzU0MzIxMDk4NzY1")).toBe("[redacted]");
  });

  it("hides this process's own secrets whatever their shape", () => {
    expect(createRedactor(["not-shaped-like-anything"])("a not-shaped-like-anything b")).toBe(
      "a [redacted] b",
    );
  });

  it("leaves hex that is not 32 digits standing alone: a commit id, a longer hash", () => {
    const commit = "832b4d3f0e1a2b3c4d5e6f708192a3b4c5d6e7f8";
    expect(redact(`commit ${commit}`)).toBe(`commit ${commit}`);
    expect(redact("session x8f742231b10e8888abcd99eef1a3c5e7")).toBe(
      "session x8f742231b10e8888abcd99eef1a3c5e7",
    );
  });
});
