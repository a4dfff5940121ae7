import { describe, expect, it } from "vitest";
import { boltLogger } from "../../src/bots/slack/boltLogger.js";
import type { LogLevel } from "../../src/config/configSchema.js";
import { createLogger } from "../../src/log/logger.js";

/** Bolt's logger over a Guru logger at `level`, and the lines it wrote. */
function logged(level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    redact: (text) => text.replaceAll("xoxb-secret", "[redacted]"),
    write: (line) => lines.push(line),
  });
  return { bolt: boltLogger(logger, level), lines };
}

describe("Bolt's lines in Guru's log", () => {
  it("at debug, Bolt's debug lines are written, redacted, its parts joined", () => {
    const { bolt, lines } = logged("debug");
    bolt.debug("sending ack", { envelope_id: "e1" }, "with xoxb-secret");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('sending ack {"envelope_id":"e1"} with [redacted]');
  });

  it("at info, Bolt's debug lines are left out and its info lines written", () => {
    const { bolt, lines } = logged("info");
    bolt.debug("sending ack");
    bolt.info("connected");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("connected");
  });

  it("at warn, only Bolt's warnings and errors are written", () => {
    const { bolt, lines } = logged("warn");
    bolt.debug("sending ack");
    bolt.info("connected");
    bolt.warn("reconnecting");
    bolt.error(new Error("socket closed"));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Error: socket closed");
  });

  it("does not build a line the log leaves out: its parts are never serialized", () => {
    const { bolt, lines } = logged("info");
    let serialized = 0;
    const envelope = {
      toJSON: () => {
        serialized += 1;
        return { envelope_id: "e1" };
      },
    };
    bolt.debug("sending ack", envelope);
    bolt.info("acked", envelope);
    expect(serialized).toBe(1);
    expect(lines).toHaveLength(1);
  });
});
