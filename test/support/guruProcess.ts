import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built command, as a user runs it (`npm test` builds first). */
export const guruBin = fileURLToPath(new URL("../../dist/cli/guru.js", import.meta.url));

export interface GuruRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface GuruRunOptions {
  readonly env?: Record<string, string>;
  readonly input?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** A working folder with nothing in it: no .env, no data, no models. */
export function emptyWorkdir(): string {
  return mkdtempSync(join(tmpdir(), "guru-cli-"));
}

/**
 * The environment a test gives `guru`: nothing of the developer's, and the working folder as Guru's
 * home (unless the test names another), so no test reads or writes the checkout's .env, models or data.
 */
export function guruEnvironment(cwd: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    GURU_THREADS: "1",
    GURU_HOME: cwd,
    ...env,
  };
}

export function runGuru(args: readonly string[], options: GuruRunOptions = {}): Promise<GuruRun> {
  return new Promise((resolve, reject) => {
    const cwd = options.cwd ?? emptyWorkdir();
    const child = spawn(process.execPath, [guruBin, ...args], {
      cwd,
      env: guruEnvironment(cwd, options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
