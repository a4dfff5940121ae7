import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, symlink } from "node:fs/promises";
import { arch, homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type Environment, readEnvironment } from "../../config/environment.js";

/**
 * CMake options of Guru's native CPU build of the llama.cpp that node-llama-cpp bundles: this
 * CPU's instructions, and OpenMP's thread team instead of ggml's own pool. The addon starts a
 * fresh ggml worker thread for every evaluated token (no thread pool is attached), and on 2 cores
 * that second thread made one stream only 1.3× faster where llama-server's OpenMP team got 1.7×.
 * node-llama-cpp looks a local build up by these options, so only a process passing them uses it.
 */
export const nativeCmakeOptions: Readonly<Record<string, string>> = { GGML_NATIVE: "ON", GGML_OPENMP: "ON" };

/** node-llama-cpp's `llama` folder: its bundled source, release tag and `localBuilds`. */
export function llamaPackageFolder(): string {
  return join(dirname(fileURLToPath(import.meta.resolve("node-llama-cpp"))), "..", "llama");
}

const releaseSchema = z.object({ tag: z.string().min(1) });

/**
 * Where the native build of this llama.cpp release for this CPU is kept, outside the clone (an
 * `npm ci` wipes node_modules): `GURU_NATIVE_BUILD_CACHE`, else `$XDG_CACHE_HOME/guru/node-llama-cpp`.
 */
export function nativeBuildFolder(environment: Environment = readEnvironment().variables): string {
  const root =
    environment.GURU_NATIVE_BUILD_CACHE ??
    join(environment.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "guru", "node-llama-cpp");
  const { tag } = releaseSchema.parse(
    JSON.parse(readFileSync(join(llamaPackageFolder(), "llama.cpp.info.json"), "utf8")),
  );
  return join(root, `${tag}-${arch()}-${cpuKey()}`);
}

/** A native build uses this CPU's instructions: it is kept per CPU (its feature flags). */
function cpuKey(): string {
  const info = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const flags = info.split("\n").find((line) => line.startsWith("flags")) ?? arch();
  return createHash("sha256").update(flags).digest("hex").slice(0, 12);
}

export type NativeBuildState =
  | { readonly kind: "absent"; readonly folder: string }
  | { readonly kind: "ready"; readonly folder: string }
  | { readonly kind: "unlinkable"; readonly folder: string; readonly reason: string };

/**
 * Puts the cached native build where node-llama-cpp looks for local builds (a link in
 * node_modules, which an `npm ci` removes and this puts back), so `getLlama` with
 * `nativeCmakeOptions` finds it. Absent when `npm run engine:native` never ran on this machine.
 */
export async function linkNativeBuild(folder = nativeBuildFolder()): Promise<NativeBuildState> {
  const builds = await buildFolders(folder);
  if (builds.length === 0) return { kind: "absent", folder };
  const localBuilds = join(llamaPackageFolder(), "localBuilds");
  try {
    await mkdir(localBuilds, { recursive: true });
    for (const name of builds) {
      const link = join(localBuilds, name);
      const present = await lstat(link).then(
        () => true,
        () => false,
      );
      if (!present) await symlink(join(folder, name), link, "dir");
    }
    return { kind: "ready", folder };
  } catch (error) {
    return { kind: "unlinkable", folder, reason: String(error) };
  }
}

/** The finished build folders in the cache (each holds node-llama-cpp's `buildDone.status`). */
async function buildFolders(folder: string): Promise<string[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const done = await Promise.all(
    names.map((name) =>
      readFile(join(folder, name, "buildDone.status")).then(
        () => name,
        () => undefined,
      ),
    ),
  );
  return done.filter((name): name is string => name !== undefined);
}
