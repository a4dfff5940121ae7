import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakePlatformsForFile } from "../support/fakePlatforms.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { startGuru } from "../support/guruServer.js";

interface Listener {
  readonly address: string;
  readonly port: number;
}

/** `0100007F` → 127.0.0.1: /proc/net/tcp writes each 32-bit word in the host's (little-endian) order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)),
  );
  if (bytes.length === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  return groups.map((group) => group.toString(16)).join(":");
}

/**
 * Every TCP socket the process listens on, as the kernel has it bound: its open socket inodes
 * matched against /proc/<pid>/net/tcp and tcp6 (state 0A is LISTEN).
 */
function listeningSockets(pid: number): Listener[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // The descriptor closed while being read.
    }
  }
  return ["tcp", "tcp6"].flatMap((table) =>
    readFileSync(`/proc/${pid}/net/${table}`, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === "0A" && inodes.has(fields[9] ?? ""))
      .map((fields) => {
        const [address = "", port = ""] = (fields[1] ?? "").split(":");
        return { address: decodeAddress(address), port: parseInt(port, 16) };
      }),
  );
}

function loggedPort(output: string, pattern: RegExp): number {
  const url = pattern.exec(output)?.[1];
  if (!url) throw new Error(`no ${pattern} in the log:\n${output}`);
  return Number(new URL(url).port);
}

describe.runIf(process.platform === "linux")("guru start's listening sockets", () => {
  const platforms = fakePlatformsForFile();

  it("by default, every one is bound to 127.0.0.1: Slack's HTTP receiver, MCP over HTTP and the operations port, nothing else", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-listen-"));
    const configFile = join(dataDir, "guru.json");
    // Ports only: the hosts are the defaults under test.
    writeFileSync(
      configFile,
      JSON.stringify({
        slack: { mode: "http", http: { port: 0 } },
        mcp: { httpPort: 0 },
        ops: { port: 0 },
        discord: { registerCommandsAtStart: false },
      }),
    );
    const guru = startGuru(
      ["start"],
      {
        GURU_MODEL: platforms.model,
        GURU_DATA_DIR: dataDir,
        GURU_CONFIG: configFile,
        SLACK_BOT_TOKEN: workspace.botToken,
        SLACK_SIGNING_SECRET: workspace.signingSecret,
        SLACK_API_URL: platforms.slack.apiUrl,
        DISCORD_TOKEN: platforms.discord.world.token,
        DISCORD_API_URL: platforms.discord.apiUrl,
      },
      dataDir,
    );
    // Loading the model and connecting take a while on a busy 2-core machine.
    await guru.waitForOutput(/Guru is listening on .*discord/i, 90_000);
    const pid = guru.child.pid ?? 0;

    const listeners = listeningSockets(pid);
    const output = guru.output();
    expect(await guru.stop("SIGTERM")).toBe(0);

    expect(listeners).toHaveLength(3);
    expect(listeners).toEqual(
      expect.arrayContaining([
        { address: "127.0.0.1", port: loggedPort(output, /listening for Slack events at (\S+)/) },
        { address: "127.0.0.1", port: loggedPort(output, /MCP over HTTP at (\S+)/) },
        { address: "127.0.0.1", port: loggedPort(output, /health and metrics at (\S+)\/healthz/) },
      ]),
    );
    // The logged URLs name the bound address too.
    expect(output).toMatch(/listening for Slack events at http:\/\/127\.0\.0\.1:\d+\/slack\/events/);
    expect(output).toMatch(/MCP over HTTP at http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(output).toMatch(/health and metrics at http:\/\/127\.0\.0\.1:\d+\/healthz/);
  }, 150_000);
});
