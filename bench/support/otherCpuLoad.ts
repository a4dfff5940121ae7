import { readFileSync } from "node:fs";
import { childProcesses } from "../../test/support/childProcesses.js";

/**
 * Watches how much CPU the rest of the machine used while this process ran something: on a
 * shared 2-core machine one other busy process can cut a 2-thread decode tenfold, and the
 * figures alone do not show it. This process's children (the embedded engine's process, a
 * llama-server the bench started) count as its own. Linux only (/proc/stat) and spans of half a
 * second or more; otherwise it reports undefined.
 */
export function watchOtherCpuLoad(): () => number | undefined {
  const machineBefore = machineBusyMs();
  const ownBefore = process.cpuUsage();
  const childrenBefore = childrenBusyMs();
  const startedAt = performance.now();
  return () => {
    const machineAfter = machineBusyMs();
    if (machineBefore === undefined || machineAfter === undefined) return undefined;
    const own = process.cpuUsage(ownBefore);
    const ownMs = (own.user + own.system) / 1000 + busySince(childrenBefore);
    const wallMs = performance.now() - startedAt;
    // /proc/stat counts in 10 ms ticks: over a shorter span a tick or two reads as a busy machine.
    if (wallMs < minSpanMs) return undefined;
    return Math.max(0, (machineAfter - machineBefore - ownMs) / wallMs);
  };
}

const tickMs = 10;
const minSpanMs = 500;

function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [, ...fields] = line.trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.map(Number);
    return (user + nice + system + irq + softirq + steal) * tickMs;
  } catch {
    return undefined;
  }
}

/** CPU time of each running child of this process. */
function childrenBusyMs(): Map<number, number> {
  return new Map(childProcesses().map((child) => [child.pid, child.cpuMs]));
}

/** The CPU time this process's children used since `before` (one started meanwhile from zero). */
function busySince(before: ReadonlyMap<number, number>): number {
  let spent = 0;
  for (const [pid, busy] of childrenBusyMs()) spent += busy - (before.get(pid) ?? 0);
  return spent;
}
