import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";

const home = () => mkdtempSync(join(tmpdir(), "guru-web-config-"));

describe("the console's settings", () => {
  it("are off by default, and on loopback when a port is set", () => {
    expect(loadConfig({ environment: {}, home: home() }).config.web).toEqual({
      port: null,
      host: "127.0.0.1",
    });
  });

  it("take the port from GURU_WEB_PORT", () => {
    expect(loadConfig({ environment: { GURU_WEB_PORT: "8377" }, home: home() }).config.web.port).toBe(8377);
  });

  it("name GURU_WEB_PORT when its value is not a port", () => {
    expect(() => loadConfig({ environment: { GURU_WEB_PORT: "70000" }, home: home() })).toThrow(
      /GURU_WEB_PORT/,
    );
  });
});
