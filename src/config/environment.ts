import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { guruHome } from "./guruHome.js";
import { secretVariables } from "./secrets.js";

export type Environment = Readonly<Record<string, string>>;

export interface EnvironmentSnapshot {
  /** Guru's home (see guruHome.ts): `.env` was looked for here. */
  readonly home: string;
  readonly variables: Environment;
  /** The `.env` file that was read, if any. */
  readonly envFile: string | null;
  /** Names whose value came from `.env` (the process environment did not set them). */
  readonly fromEnvFile: ReadonlySet<string>;
}

/**
 * The only place that reads `process.env`. Variables already set in the process win over the
 * home's `.env` file, as with dotenv, so a one-off `GURU_MODEL=… guru ask` overrides it.
 */
export function readEnvironment(home: string = guruHome(process.env)): EnvironmentSnapshot {
  const envPath = join(home, ".env");
  const envFile = existsSync(envPath) ? envPath : null;
  const fromFile = envFile ? parseEnv(readFileSync(envFile, "utf8")) : {};
  const variables: Record<string, string> = {};
  for (const source of [fromFile, process.env]) {
    for (const [name, value] of Object.entries(source)) {
      if (value !== undefined) variables[name] = value;
    }
  }
  return {
    home,
    variables,
    envFile,
    fromEnvFile: new Set(Object.keys(fromFile).filter((name) => process.env[name] === undefined)),
  };
}

/**
 * Variables that libraries read from `process.env` themselves: node-llama-cpp (`NODE_LLAMA_CPP_*`,
 * `HF_ENDPOINT`, `MODEL_ENDPOINT`, `HF_HOME`), llama.cpp's ggml (`GGML_*`) and the GPU runtimes
 * (`CUDA_*`, `HIP_*`, `ROCR_*`, `VK_*`), and OpenMP in the native build (`OMP_*`, `GOMP_*`).
 */
export const libraryVariablePatterns: readonly RegExp[] = [
  /^NODE_LLAMA_CPP_/,
  /^HF_/,
  /^MODEL_ENDPOINT$/,
  /^GGML_/,
  /^CUDA_/,
  /^HIP_/,
  /^ROCR_/,
  /^VK_/,
  /^OMP_/,
  /^GOMP_/,
];

/**
 * The environment of the embedded engine's process: Guru's own, with one libuv pool thread.
 * node-llama-cpp runs each evaluation on a libuv pool thread, and with the native OpenMP build
 * each pool thread that evaluates becomes the master of an OpenMP team of its own; with more
 * OpenMP threads than cores libgomp spins only briefly at ggml's barriers (hundreds per token),
 * then sleeps. On 2 cores, 4 streams × 2 threads, 4 pool threads meant 4 teams and a futex sleep
 * and wake at most barriers (≈25,000 context switches in a 7 s run): 45–50 ms per step; one
 * pool thread, one team that spins: 34–37 ms, as llama-server. libgomp's default wait (spin
 * ≈ milliseconds, then sleep) then suffices and leaves no core busy while idle. A value the
 * user set stays.
 */
export function engineProcessEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "1" };
}

const guruSecrets: ReadonlySet<string> = new Set(Object.values(secretVariables));

/**
 * Copies the library variables that came from `.env` into `process.env`, so they reach the
 * libraries; the process environment keeps precedence. Must run before node-llama-cpp is
 * imported: it reads its variables once, when its module loads. Guru's own secrets stay out (it
 * hands them over itself) and are never copied. Returns the names copied.
 */
export function exportLibraryVariables(snapshot: EnvironmentSnapshot): string[] {
  const copied = [...snapshot.fromEnvFile].filter(
    (name) => !guruSecrets.has(name) && libraryVariablePatterns.some((pattern) => pattern.test(name)),
  );
  for (const name of copied) process.env[name] = snapshot.variables[name];
  return copied;
}

/** `GURU_SERVERS`: comma-separated base URLs of llama-server instances (the common case). */
export const serversVariable = "GURU_SERVERS";

/** The servers `GURU_SERVERS` lists, as config entries (the schema checks each URL). */
export function serversFromEnvironment(environment: Environment): { url: string }[] | undefined {
  const value = environment[serversVariable]?.trim();
  if (!value) return undefined;
  return value
    .split(",")
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => ({ url }));
}
