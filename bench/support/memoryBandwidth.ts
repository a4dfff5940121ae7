import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL("../../scripts/memory-bandwidth.sh", import.meta.url));

/**
 * Far larger than any last-level cache (260 MiB on the machine the issue was measured on, where the
 * model is ≈270 MB): a smaller buffer would measure cache, not memory.
 */
const bufferMebibytes = 2048;
const passes = 5;

const resultSchema = z.object({ threads: z.int(), bytes: z.number(), bytesPerSecond: z.number().positive() });

/**
 * This machine's memory read bandwidth with `threads` threads, in bytes per second: the best of a
 * few passes of the native probe (scripts/memoryBandwidth/readBandwidth.c, compiled once for this
 * CPU and cached) summing a 2 GiB buffer.
 */
export async function measureReadBandwidth(threads: number): Promise<number> {
  const { stdout: binary } = await run("bash", [buildScript]);
  const { stdout } = await run(binary.trim(), [String(threads), String(bufferMebibytes), String(passes)]);
  return resultSchema.parse(JSON.parse(stdout)).bytesPerSecond;
}
