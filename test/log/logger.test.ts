import { describe, expect, it } from "vitest";
import type { LogFormat } from "../../src/config/configSchema.js";
import { createLogger } from "../../src/log/logger.js";
import { createRedactor } from "../../src/log/redactor.js";
import { leakedSecrets, realShapedSecrets as secret } from "../support/realShapedSecrets.js";

function capture(format: LogFormat, secrets: readonly string[] = []) {
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    format,
    redact: createRedactor(secrets),
    write: (line) => lines.push(line),
  });
  return { logger, lines };
}

function failureWithCause(): Error {
  const cause = new TypeError("socket hang up");
  return new Error("Slack chat.update failed", { cause });
}

describe("JSON logs (logFormat json)", () => {
  it("write one JSON object a line: level, ISO time, scope, message and the fields", () => {
    const { logger, lines } = capture("json");

    logger.child("slack").child("bolt").info("connected", { team: "T1", attempts: 2 });
    logger.debug("second line");

    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? "");
    expect(first).toMatchObject({
      level: "info",
      scope: "slack.bolt",
      msg: "connected",
      team: "T1",
      attempts: 2,
    });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(JSON.parse(lines[1] ?? "")).toMatchObject({ level: "debug", msg: "second line" });
    expect(JSON.parse(lines[1] ?? "")).not.toHaveProperty("scope");
  });

  it("carry an error's stack and its cause chain, each with its own stack", () => {
    const { logger, lines } = capture("json");

    logger.error("request failed", { error: failureWithCause() });

    const record = JSON.parse(lines[0] ?? "");
    expect(record.error).toMatchObject({ type: "Error", message: "Slack chat.update failed" });
    expect(record.error.stack).toMatch(/^Error: Slack chat\.update failed\n\s+at /);
    expect(record.error.cause).toMatchObject({ type: "TypeError", message: "socket hang up" });
    expect(record.error.cause.stack).toMatch(/^TypeError: socket hang up\n\s+at /);
  });

  it("keep a field named like pino's own keys beside them instead of writing a key twice", () => {
    const { logger, lines } = capture("json");

    logger.warn("odd fields", { level: "custom", msg: "mine" });

    expect(lines[0]?.match(/"level":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      level: "warn",
      msg: "odd fields",
      level_: "custom",
      msg_: "mine",
    });
  });

  it("survive a field that refers to itself", () => {
    const { logger, lines } = capture("json");
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;

    logger.info("cyclic", { loop });

    expect(JSON.parse(lines[0] ?? "").loop).toEqual({ name: "loop", self: "[circular]" });
  });
});

describe("text logs (the default)", () => {
  it("print the line, then the error's stack and its cause's stack below it", () => {
    const { logger, lines } = capture("text");

    logger.child("service").error("request failed", { error: failureWithCause() });

    const [line = ""] = lines;
    const [head, ...rest] = line.split("\n");
    expect(head).toMatch(/^\S+Z ERROR service: request failed \{"error":\{"type":"Error"/);
    const below = rest.join("\n");
    expect(below).toMatch(/^ {2}Error: Slack chat\.update failed\n {4}\s*at /);
    expect(below).toMatch(/\n {2}Caused by: TypeError: socket hang up\n {4}\s*at /);
  });
});

describe.each(["text", "json"] as const)("redaction in %s logs", (format) => {
  const tokens = Object.values(secret);

  it("hides real-shaped tokens in the message, in every field, nested, as keys, in errors and their causes", () => {
    const { logger, lines } = capture(format);
    const cause = new Error(`auth failed for ${secret.slackAppToken}`);

    logger.child(`scope-${secret.huggingFaceToken}`).error(`token ${secret.slackBotToken} refused`, {
      header: `Bearer ${secret.discordToken}`,
      nested: { list: [secret.slackSigningSecret], [secret.huggingFaceToken]: "as a key" },
      error: new Error(`bad token ${secret.discordToken}`, { cause }),
    });

    expect(lines).toHaveLength(1);
    expect(leakedSecrets(lines.join("\n"), tokens)).toEqual([]);
    expect(lines[0]).toContain("[redacted]");
    if (format === "json") expect(() => JSON.parse(lines[0] ?? "")).not.toThrow();
  });

  it("hides this process's own secret even where JSON would escape it", () => {
    const own = 'pa"ss\\word-1234';
    const { logger, lines } = capture(format, [own]);

    logger.info("configured", { password: own, note: `the value ${own} again` });

    expect(lines[0]).not.toContain("word-1234");
    if (format === "json") {
      expect(JSON.parse(lines[0] ?? "")).toMatchObject({
        password: "[redacted]",
        note: "the value [redacted] again",
      });
    }
  });
});
