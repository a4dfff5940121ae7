import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { packageRoot } from "./guruHome.js";

/** Guru's own version, from its package.json. */
export function packageVersion(): string {
  try {
    const manifest: unknown = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8"));
    return z.object({ version: z.string() }).parse(manifest).version;
  } catch {
    return "0.0.0";
  }
}
