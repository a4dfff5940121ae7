import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";

export type Environment = Readonly<Record<string, string>>;

export interface EnvironmentSnapshot {
  readonly variables: Environment;
  /** The `.env` file that was read, if any. */
  readonly envFile: string | null;
  /** Names whose value came from `.env` (the process environment did not set them). */
  readonly fromEnvFile: ReadonlySet<string>;
}

/**
 * The only place that reads `process.env`. Variables already set in the process win over the
 * `.env` file, as with dotenv, so a one-off `GURU_MODEL=… guru ask` overrides it.
 */
export function readEnvironment(cwd: string = process.cwd()): EnvironmentSnapshot {
  const envPath = resolve(cwd, ".env");
  const fromFile = existsSync(envPath) ? parseEnv(readFileSync(envPath, "utf8")) : {};
  const variables: Record<string, string> = {};
  for (const source of [fromFile, process.env]) {
    for (const [name, value] of Object.entries(source)) {
      if (value !== undefined) variables[name] = value;
    }
  }
  return {
    variables,
    envFile: existsSync(envPath) ? envPath : null,
    fromEnvFile: new Set(Object.keys(fromFile).filter((name) => process.env[name] === undefined)),
  };
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
