import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { addresses, openTestMemory, query, tempDir } from "./support.js";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const writer = fileURLToPath(new URL("fixtures/killedWriter.ts", import.meta.url));

/** Runs the writer, SIGKILLs it inside its open transaction, and returns the ids it reported committed. */
async function writeThenKill(file: string, committed: number): Promise<number[]> {
  const child = spawn(process.execPath, ["--import", "tsx", writer, file, String(committed)], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  const ids: number[] = [];
  for await (const line of readline.createInterface({ input: child.stdout })) {
    if (line === "open") {
      child.kill("SIGKILL");
      break;
    }
    ids.push(Number(line.replace("committed ", "")));
  }
  expect(await exited).toBe("SIGKILL");
  return ids;
}

describe("a database left by a killed process", () => {
  it("reopens with every committed row intact and no trace of the uncommitted transaction", async () => {
    const file = path.join(tempDir(), "guru.db");

    const committedIds = await writeThenKill(file, 200);

    const { memory } = openTestMemory({ path: file });
    const messages = memory.remembered(addresses.slackChannel)?.messages ?? [];
    expect(committedIds).toHaveLength(200);
    expect(messages.map((message) => message.id)).toEqual(committedIds);
    expect(messages.map((message) => message.text)).toEqual(
      Array.from({ length: 200 }, (_, index) => `committed ${index}`),
    );
    expect(query(file, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
  }, 20_000);
});
