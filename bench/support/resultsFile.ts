import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release } from "node:os";
import { fileURLToPath } from "node:url";

const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

/** Writes `bench/results/<name>.json` with when and where it was measured; returns the path. */
export async function writeResults(name: string, figures: object): Promise<string> {
  const path = `${resultsDir}${name}.json`;
  const cpu = cpus();
  const document = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    machine: {
      platform: `${platform()} ${release()}`,
      cpu: cpu[0]?.model ?? "unknown",
      cores: cpu.length,
      node: process.version,
      // Other work on the machine skews timings: a 1-minute load well above the bench's own threads says so.
      loadAverage1m: loadavg()[0],
    },
    ...figures,
  };
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}
