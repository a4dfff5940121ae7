import { type ChildProcess, spawn } from "node:child_process";
import { guruBin, guruEnvironment } from "./guruProcess.js";

export interface GuruServer {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code (or the signal that ended it). */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | NodeJS.Signals | null>;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running, so no server outlives its test file. */
export function killLeftoverGuru(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/**
 * `guru start` (or another long-running command) as a real process, as a user runs it. With
 * `stdin: "pipe"` the test writes to `child.stdin`, which stays open until it ends it.
 */
export function startGuru(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  options: { readonly stdin?: "ignore" | "pipe" } = {},
): GuruServer {
  const child = spawn(process.execPath, [guruBin, ...args], {
    cwd,
    env: guruEnvironment(cwd, env),
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal));
  });
  return {
    child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: async (signal, timeoutMs = 30_000) => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
