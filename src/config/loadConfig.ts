import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { GuruError } from "../errors.js";
import { configSchema, type GuruConfig } from "./configSchema.js";
import type { Environment } from "./environment.js";
import { isRemoteModel } from "./modelReference.js";
import { readSecrets, type Secrets } from "./secrets.js";

type VariableKind = "text" | "scalar" | "list";

/** Environment variables that set a config key; keep these names stable, scripts rely on them. */
export const configVariables: Readonly<Record<string, { path: readonly string[]; kind: VariableKind }>> = {
  GURU_MODEL: { path: ["model"], kind: "text" },
  GURU_MODELS_DIR: { path: ["modelsDir"], kind: "text" },
  GURU_DATA_DIR: { path: ["dataDir"], kind: "text" },
  GURU_LOG_LEVEL: { path: ["logLevel"], kind: "text" },
  GURU_GPU: { path: ["engine", "gpu"], kind: "text" },
  GURU_SLOTS: { path: ["engine", "slots"], kind: "scalar" },
  GURU_THREADS: { path: ["engine", "threads"], kind: "scalar" },
  GURU_CONTEXT_SIZE: { path: ["engine", "contextSize"], kind: "scalar" },
  SLACK_API_URL: { path: ["slack", "apiUrl"], kind: "text" },
  DISCORD_API_URL: { path: ["discord", "apiUrl"], kind: "text" },
  DISCORD_CLIENT_ID: { path: ["discord", "clientId"], kind: "text" },
  DISCORD_GUILD_IDS: { path: ["discord", "guildIds"], kind: "list" },
  GURU_MCP_PORT: { path: ["mcp", "httpPort"], kind: "scalar" },
};

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const defaultConfigFile = resolve(packageRoot, "config", "guru.json");

export interface LoadedConfig {
  readonly config: GuruConfig;
  readonly secrets: Secrets;
  readonly configFile: string | null;
  readonly environment: Environment;
}

export interface LoadConfigOptions {
  readonly environment: Environment;
  readonly cwd?: string;
  /** Command-line flags, keyed by the config path they set (e.g. `{ model: "./tiny.gguf" }`). */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

type Layer = { readonly label: string; readonly values: Record<string, unknown> };

/**
 * Defaults (the schema) < config file (`GURU_CONFIG` or config/guru.json) < environment and
 * `.env` < command-line flags. Relative paths resolve against the working directory.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.environment;
  const configFile = env.GURU_CONFIG ? resolve(cwd, env.GURU_CONFIG) : defaultConfigFile;
  const layers: Layer[] = [];
  if (existsSync(configFile)) {
    layers.push({ label: `config file ${configFile}`, values: readConfigFile(configFile) });
  } else if (env.GURU_CONFIG) {
    throw new GuruError(
      "CONFIG_INVALID",
      `GURU_CONFIG points to ${configFile}, which does not exist. Fix the path or unset GURU_CONFIG.`,
    );
  }
  for (const [variable, { path, kind }] of Object.entries(configVariables)) {
    const value = env[variable];
    if (value !== undefined && value !== "") {
      const typed =
        kind === "list" ? splitList(value) : kind === "scalar" ? fromEnvironment(value) : value.trim();
      layers.push({ label: `environment variable ${variable}`, values: nest(path, typed) });
    }
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) layers.push({ label: "command-line flag", values: nest(key.split("."), value) });
  }
  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer.values), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error, merged, layers);
  const config = parsed.data;
  return {
    config: {
      ...config,
      model: isRemoteModel(config.model) ? config.model : resolve(cwd, config.model),
      modelsDir: resolve(cwd, config.modelsDir),
      dataDir: resolve(cwd, config.dataDir),
    },
    secrets: readSecrets(env),
    configFile: existsSync(configFile) ? configFile : null,
    environment: env,
  };
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new GuruError("CONFIG_INVALID", `The config file ${path} is not valid JSON: ${String(cause)}`, {
      cause,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new GuruError("CONFIG_INVALID", `The config file ${path} must hold one JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

/** Numbers arrive as text; the schema then judges the typed value ("auto" stays text). */
function fromEnvironment(value: string): unknown {
  const trimmed = value.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function deepMerge(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (isPlainObject(node) ? node[String(key)] : undefined), root);
}

function configError(
  error: z.ZodError,
  merged: Record<string, unknown>,
  layers: readonly Layer[],
): GuruError {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map(String);
    const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : [];
    const key = [...path, ...unknownKeys.slice(0, 1)].join(".") || "(root)";
    const source = [...layers]
      .reverse()
      .find((layer) => valueAt(layer.values, [...path, ...unknownKeys.slice(0, 1)]) !== undefined);
    const value = valueAt(merged, [...path, ...unknownKeys.slice(0, 1)]);
    const shown = value === undefined ? "(missing)" : JSON.stringify(value);
    const expected =
      issue.code === "unrecognized_keys" ? "no such key (secrets belong in .env)" : issue.message;
    return `  ${key} = ${shown}${source ? ` (from ${source.label})` : ""}: ${expected}`;
  });
  return new GuruError("CONFIG_INVALID", `The configuration is invalid:\n${lines.join("\n")}`, {
    cause: error,
  });
}
