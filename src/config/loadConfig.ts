import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { GuruError } from "../errors.js";
import { redactionMarker } from "../log/redactor.js";
import { configSchema, type GuruConfig } from "./configSchema.js";
import { type Environment, serversFromEnvironment, serversVariable } from "./environment.js";
import { isRemoteModel } from "./modelReference.js";
import { isSecretKey, readSecrets, type Secrets, secretVariableFor } from "./secrets.js";

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
  /**
   * A command's own defaults, keyed like `overrides` but below every source (e.g. `guru ask`
   * logs only warnings unless the config file, environment or a flag sets `logLevel`).
   */
  readonly commandDefaults?: Readonly<Record<string, unknown>>;
}

type Layer = { readonly label: string; readonly values: Record<string, unknown> };

/**
 * Defaults (the schema's, then the command's) < config file (`GURU_CONFIG` or config/guru.json)
 * < environment and `.env` < command-line flags. Relative paths resolve against the working
 * directory.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.environment;
  const configFile = env.GURU_CONFIG ? resolve(cwd, env.GURU_CONFIG) : defaultConfigFile;
  const layers: Layer[] = keyedLayers("default of this command", options.commandDefaults);
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
  const servers = serversFromEnvironment(env);
  if (servers)
    layers.push({
      label: `environment variable ${serversVariable}`,
      values: nest(["engine", "servers"], servers),
    });
  layers.push(...keyedLayers("command-line flag", options.overrides));
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

/** One layer per config path (`engine.maxTokens`) that has a value. */
function keyedLayers(label: string, values: Readonly<Record<string, unknown>> | undefined): Layer[] {
  return Object.entries(values ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ label, values: nest(key.split("."), value) }));
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  const text = readFileSync(path, "utf8");
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new GuruError(
      "CONFIG_INVALID",
      `The config file ${path} is not valid JSON: ${jsonProblem(cause, text)}`,
      {
        cause,
      },
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new GuruError("CONFIG_INVALID", `The config file ${path} must hold one JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * V8's reason, located by line and column, without the excerpt of the file it quotes: a file
 * that is not JSON may well be a `.env` full of tokens pasted into the wrong place.
 */
function jsonProblem(cause: unknown, text: string): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason = message
    .replace(/(\.\.\.)?".*"(\.\.\.)?/s, "the text there")
    .replace(/ in JSON at position \d+$/, "");
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return reason;
  const before = text.slice(0, Number(position)).split("\n");
  return `${reason} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
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
  // Arrays too: `engine.servers.0.url` names an entry of a list.
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === "object" && node !== null ? (node as Record<string, unknown>)[String(key)] : undefined,
    root,
  );
}

function configError(
  error: z.ZodError,
  merged: Record<string, unknown>,
  layers: readonly Layer[],
): GuruError {
  const lines = error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code !== "unrecognized_keys") return [problemLine(path, issue.message, merged, layers)];
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      const variable = secretVariableFor(keyPath);
      const expected = isSecretKey(keyPath)
        ? `a secret never belongs in a config file: remove it and put it in .env${variable ? ` as ${variable}` : ""}`
        : "no such key (secrets belong in .env)";
      return problemLine(keyPath, expected, merged, layers);
    });
  });
  return new GuruError("CONFIG_INVALID", `The configuration is invalid:\n${lines.join("\n")}`, {
    cause: error,
  });
}

function problemLine(
  path: readonly string[],
  expected: string,
  merged: Record<string, unknown>,
  layers: readonly Layer[],
): string {
  const source = [...layers].reverse().find((layer) => valueAt(layer.values, path) !== undefined);
  return `  ${path.join(".") || "(root)"} = ${shownValue(path, valueAt(merged, path))}${source ? ` (from ${source.label})` : ""}: ${expected}`;
}

/** A value as an error may show it: never one under a secret's name, never a whole unknown object. */
function shownValue(path: readonly string[], value: unknown): string {
  if (value === undefined) return "(missing)";
  if (isSecretKey(path)) return redactionMarker;
  if (isPlainObject(value)) return "{…}";
  return JSON.stringify(value);
}
