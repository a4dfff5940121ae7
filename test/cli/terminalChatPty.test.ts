import { spawn, spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emptyWorkdir, guruBin } from "../support/guruProcess.js";
import { storedQuestions } from "../support/storedReplies.js";
import { tinyModelPath } from "../support/tinyModel.js";

/** util-linux's `script` gives the chat a real pseudo-terminal, as a person's shell would. */
const hasScript = spawnSync("script", ["--version"]).status === 0;

const quoted = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * `guru chat` on a pseudo-terminal: waits for its first prompt, types `keys`, then Ctrl-D, and
 * resolves with the exit status once the chat has answered what was typed and ended.
 */
function chatOnTerminal(model: string, dataDir: string, keys: string): Promise<number | null> {
  const command = [process.execPath, guruBin, "chat", "--model", model].map(quoted).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      TERM: "xterm",
      GURU_THREADS: "1",
      GURU_DATA_DIR: dataDir,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let typed = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (!typed && chunk.toString().includes("you> ")) {
      typed = true;
      child.stdin.write(`${keys}\u0004`);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe.skipIf(!hasScript)("guru chat on a pseudo-terminal", () => {
  let tiny: string;

  beforeAll(async () => {
    tiny = await tinyModelPath();
  });

  it("keeps what was typed in the data folder, and Up in the next chat recalls it", async () => {
    const dataDir = join(emptyWorkdir(), "data");
    expect(await chatOnTerminal(tiny, dataDir, "remember this line\r")).toBe(0);
    const historyFile = join(dataDir, "chat_history");
    expect(readFileSync(historyFile, "utf8")).toBe("remember this line\n");
    expect(statSync(historyFile).mode & 0o777).toBe(0o600);

    expect(await chatOnTerminal(tiny, dataDir, "\u001b[A\r")).toBe(0);
    expect(storedQuestions(join(dataDir, "guru.db"))).toEqual(["remember this line", "remember this line"]);
  });
});
