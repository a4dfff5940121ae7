import { childProcesses } from "../support/childProcesses.js";

/** The load figures a burst reports. */
export interface BurstFigures {
  readonly messages: number;
  readonly users: number;
  readonly answered: number;
  readonly refusedQueueFull: number;
  readonly refusedRateLimited: number;
  readonly failed: number;
  readonly notFinal: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly redelivered: number;
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  readonly peakWaiting: number;
  readonly deliverySeconds: number;
  readonly drainSeconds: number;
}

export interface MemoryPeaks {
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  /** The longest the engine's waiting line got. */
  readonly peakWaiting: number;
}

const mebibyte = 1024 * 1024;

/**
 * Samples the memory of this process with its children (the engine's own process holds the
 * model) and the engine's line every 50 ms until stopped.
 */
export function sampleMemory(waiting: () => number): { stop(): MemoryPeaks } {
  let rss = 0;
  let heap = 0;
  let line = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    const children = childProcesses().reduce((sum, child) => sum + child.rssBytes, 0);
    rss = Math.max(rss, usage.rss + children);
    heap = Math.max(heap, usage.heapUsed);
    line = Math.max(line, waiting());
  };
  sample();
  const timer = setInterval(sample, 50);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakRssMiB: rss / mebibyte, peakHeapMiB: heap / mebibyte, peakWaiting: line };
    },
  };
}

/** The figures as a small table on stdout, to quote. */
export function printFigures(figures: BurstFigures): void {
  const rows: [string, string][] = [
    ["messages", `${figures.messages} from ${figures.users} people (${figures.redelivered} delivered twice)`],
    ["answered", String(figures.answered)],
    ["refused: queue full", String(figures.refusedQueueFull)],
    ["refused: rate limited", String(figures.refusedRateLimited)],
    ["failed", String(figures.failed)],
    ["not final", String(figures.notFinal)],
    ["lost", String(figures.lost)],
    ["duplicated", String(figures.duplicated)],
    ["peak RSS", `${figures.peakRssMiB.toFixed(0)} MiB`],
    ["peak heap", `${figures.peakHeapMiB.toFixed(0)} MiB`],
    ["peak waiting", String(figures.peakWaiting)],
    ["delivery time", `${figures.deliverySeconds.toFixed(1)} s`],
    ["drain time", `${figures.drainSeconds.toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(
    ["Burst figures", ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join("\n"),
  );
}
