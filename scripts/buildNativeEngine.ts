/**
 * `npm run engine:native`: builds node-llama-cpp's bundled llama.cpp for this CPU with OpenMP
 * (src/engine/embedded/nativeBuild.ts says why), once per llama.cpp release and CPU, into a cache
 * outside the clone, and links it where node-llama-cpp finds it. Guru's embedded engine then runs
 * it on CPU; without it, the prebuilt binary. Needs cmake, a C++ compiler and git; no network
 * (the source is node-llama-cpp's bundled release, the Node headers those of this Node).
 */
import { existsSync } from "node:fs";
import { cp, lstat, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { z } from "zod";
import {
  linkNativeBuild,
  llamaPackageFolder,
  nativeBuildFolder,
  nativeCmakeOptions,
} from "../src/engine/embedded/nativeBuild.js";

const metadataSchema = z.object({
  buildOptions: z.object({
    gpu: z.union([z.literal(false), z.string()]),
    customCmakeOptions: z.record(z.string(), z.string()),
  }),
});

async function main(): Promise<void> {
  const cache = nativeBuildFolder();
  const state = await linkNativeBuild(cache);
  if (state.kind === "ready") {
    console.log(`native build already in ${cache}`);
    return;
  }
  if (state.kind === "unlinkable")
    throw new Error(`native build in ${cache} cannot be linked: ${state.reason}`);
  useThisNodesHeaders();
  console.error("building llama.cpp for this CPU with OpenMP (one time, several minutes)…");
  const llama = await getLlama({
    build: "forceRebuild",
    gpu: false,
    cmakeOptions: { ...nativeCmakeOptions },
    logLevel: LlamaLogLevel.warn,
    progressLogs: true,
  });
  await llama.dispose();
  const name = await nativeLocalBuild();
  const localBuild = join(llamaPackageFolder(), "localBuilds", name);
  // Only what node-llama-cpp loads: the Release folder and the marker of a finished build.
  const partial = `${join(cache, name)}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await cp(join(localBuild, "Release"), join(partial, "Release"), { recursive: true });
  await cp(join(localBuild, "buildDone.status"), join(partial, "buildDone.status"));
  await rename(partial, join(cache, name));
  await rm(localBuild, { recursive: true, force: true });
  const linked = await linkNativeBuild(cache);
  if (linked.kind !== "ready") throw new Error(`native build in ${cache} cannot be linked`);
  console.log(`native build kept in ${join(cache, name)}`);
}

/** cmake-js fetches Node's headers from the network unless told where this Node keeps them. */
function useThisNodesHeaders(): void {
  const prefix = dirname(dirname(process.execPath));
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node.h"))) {
    process.env.npm_config_nodedir = prefix;
  }
}

/** The local build folder node-llama-cpp just wrote for `nativeCmakeOptions` on CPU. */
async function nativeLocalBuild(): Promise<string> {
  const localBuilds = join(llamaPackageFolder(), "localBuilds");
  for (const name of await readdir(localBuilds)) {
    if ((await lstat(join(localBuilds, name))).isSymbolicLink()) continue;
    const text = await readFile(join(localBuilds, name, "Release", "_nlcBuildMetadata.json"), "utf8").catch(
      () => undefined,
    );
    if (text === undefined) continue;
    const { buildOptions } = metadataSchema.parse(JSON.parse(text));
    const options = buildOptions.customCmakeOptions;
    const matches = Object.entries(nativeCmakeOptions).every(([key, value]) => options[key] === value);
    if (buildOptions.gpu === false && matches) return name;
  }
  throw new Error(`node-llama-cpp's build is not in ${localBuilds}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
