import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/configSchema.js";

const root = resolve(import.meta.dirname, "..", "..");
const unitText = readFileSync(join(root, "deploy", "guru.service"), "utf8");
const systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((path) => existsSync(path));

/** `Key=value` settings of one section, in order (a key may repeat). */
function settings(section: string): [string, string][] {
  const body = unitText.split(/^\[/m).find((part) => part.startsWith(`${section}]`)) ?? "";
  return body
    .split("\n")
    .slice(1)
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]);
}

function setting(section: string, key: string): string | undefined {
  return settings(section).find(([name]) => name === key)?.[1];
}

describe("deploy/guru.service", () => {
  it.skipIf(!systemdAnalyze)(
    "passes systemd-analyze verify, without a warning, once its paths point at this clone and this node",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "guru-unit-"));
      const unit = join(dir, "guru.service");
      writeFileSync(
        unit,
        unitText.replaceAll("/usr/bin/node", process.execPath).replaceAll("/opt/guru", root),
      );

      const verify = spawnSync(systemdAnalyze ?? "", ["verify", unit], { encoding: "utf8" });

      expect(verify.stderr).toBe("");
      expect(verify.status).toBe(0);
    },
  );

  it("stops with SIGTERM and waits longer than the default drain grace before killing", () => {
    const timeoutStopSeconds = Number(setting("Service", "TimeoutStopSec"));
    const graceSeconds = configSchema.parse({}).engine.drainGraceMs / 1000;

    expect(setting("Service", "KillSignal")).toBe("SIGTERM");
    expect(timeoutStopSeconds).toBeGreaterThanOrEqual(graceSeconds + 15);
  });

  it("restarts on failure, reads .env, logs JSON and serves health on loopback", () => {
    expect(setting("Service", "Restart")).toBe("on-failure");
    expect(setting("Service", "EnvironmentFile")).toBe("-/opt/guru/.env");
    expect(setting("Service", "WorkingDirectory")).toBe("/opt/guru");
    expect(
      settings("Service")
        .filter(([key]) => key === "Environment")
        .map(([, value]) => value),
    ).toEqual(expect.arrayContaining(["GURU_HOME=/opt/guru", "GURU_LOG_FORMAT=json", "GURU_OPS_PORT=9464"]));
    expect(setting("Service", "ExecStart")).toBe("/usr/bin/node /opt/guru/dist/cli/guru.js start");
  });

  it("may write only the data and models folders", () => {
    expect(setting("Service", "ProtectSystem")).toBe("strict");
    expect(setting("Service", "ReadWritePaths")).toBe("/opt/guru/data /opt/guru/models");
    expect(setting("Service", "NoNewPrivileges")).toBe("yes");
  });
});

if (!systemdAnalyze) {
  console.warn(
    "systemd-analyze is not installed: deploy/guru.service was not verified (apt install systemd)",
  );
}
