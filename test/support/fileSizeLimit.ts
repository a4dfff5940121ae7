import { execFileSync, spawn } from "node:child_process";
import readline from "node:readline";

/**
 * A full disk without privileges: the soft file-size limit (RLIMIT_FSIZE) of a process we started,
 * which `prlimit` may lower and raise again. Past it every write that grows a file fails (EFBIG).
 */
export function limitFileSize(pid: number, bytes: number | "unlimited"): void {
  execFileSync("prlimit", ["--pid", String(pid), `--fsize=${bytes}:`]);
}

export interface LineProcess {
  readonly pid: number;
  /** Writes one line and resolves with the next line the process prints. */
  ask(line: string): Promise<string>;
  /** Closes its stdin and resolves with its exit code. */
  end(): Promise<number | null>;
}

/** A TypeScript script as a child process that answers each line on stdin with one on stdout. */
export async function startLineProcess(script: string, args: readonly string[]): Promise<LineProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`${script} ended (exit ${await exited})`);
    return line.value;
  };
  if ((await next()) !== "ready") throw new Error(`${script} did not start`);
  return {
    pid: child.pid ?? 0,
    ask: (line) => {
      child.stdin.write(`${line}\n`);
      return next();
    },
    end: () => {
      child.stdin.end();
      return exited;
    },
  };
}
