import { readdirSync, readFileSync } from "node:fs";

/** A running child of this process, as Linux's /proc shows it. */
export interface ChildProcessInfo {
  readonly pid: number;
  /** The command line, arguments joined by spaces. */
  readonly command: string;
  /** CPU time used so far (user + system), in ms. */
  readonly cpuMs: number;
  /** Resident memory now, in bytes. */
  readonly rssBytes: number;
}

const tickMs = 10;
const pageBytes = 4096;

/**
 * This process's running children (the embedded engine's process, a llama-server a bench
 * started). Linux only: elsewhere, none.
 */
export function childProcesses(): ChildProcessInfo[] {
  const children: ChildProcessInfo[] = [];
  for (const name of safeReaddir("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = safeRead(`/proc/${pid}/stat`);
    // Fields after the parenthesised command: state ppid … utime (12th) stime (13th) … rss (22nd).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) !== process.pid) continue;
    children.push({
      pid,
      command: safeRead(`/proc/${pid}/cmdline`).split("\0").join(" ").trim(),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * tickMs,
      rssBytes: Number(fields[21]) * pageBytes,
    });
  }
  return children;
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/** A process can end between listing and reading. */
function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
