import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { z } from "zod";
import { GuruError } from "../errors.js";
import { redactionMarker } from "../log/redactor.js";
import { configSchema, type GuruConfig } from "./configSchema.js";
import { configSettings, valueFromVariable } from "./configSettings.js";
import { type Environment, serversFromEnvironment, serversVariable } from "./environment.js";
import { isRemoteModel } from "./modelReference.js";
import { isSecretKey, readSecrets, type Secrets, secretVariableFor } from "./secrets.js";

/** The user's config file when neither `--config` nor `GURU_CONFIG` names one (optional). */
export function homeConfigFile(home: string): string {
  return join(home, "config", "guru.json");
}

export interface LoadedConfig {
  readonly config: GuruConfig;
  readonly secrets: Secrets;
  readonly configFile: string | null;
  readonly environment: Environment;
  /** Guru's home: relative paths in the configuration were resolved against it. */
  readonly home: string;
}

export interface LoadConfigOptions {
  readonly environment: Environment;
  /** Guru's home (see guruHome.ts). */
  readonly home: string;
  /** `--config FILE`, already resolved against the current folder. */
  readonly configFile?: string;
  /** Command-line flags, keyed by the config path they set (e.g. `{ model: "/abs/tiny.gguf" }`). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /**
   * A command's own defaults, keyed like `overrides` but below every source (e.g. `guru ask`
   * logs only warnings unless the config file, environment or a flag sets `logLevel`).
   */
  readonly commandDefaults?: Readonly<Record<string, unknown>>;
}

type Layer = { readonly label: string; readonly values: Record<string, unknown> };

/**
 * Defaults (the schema's, then the command's) < config file (`--config`, `GURU_CONFIG` or
 * `<home>/config/guru.json`) < environment and `.env` < command-line flags. Relative paths in the
 * config file and environment resolve against the home, never the current folder.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const { home, environment: env } = options;
  if (!existsSync(home)) {
    // A mistyped GURU_HOME would otherwise start an empty home: no model, no memory.
    throw new GuruError("CONFIG_INVALID", `Guru's home ${home} does not exist: create it, or fix GURU_HOME.`);
  }
  const configFile = chosenConfigFile(options);
  const layers: Layer[] = keyedLayers("default of this command", options.commandDefaults);
  if (configFile) layers.push({ label: `config file ${configFile}`, values: readConfigFile(configFile) });
  layers.push(...environmentLayers(env));
  const servers = serversFromEnvironment(env);
  if (servers) {
    layers.push({
      label: `environment variable ${serversVariable}`,
      values: nest(["engine", "servers"], servers),
    });
  }
  layers.push(...keyedLayers("command-line flag", options.overrides));
  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => deepMerge(acc, layer.values), {});
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw configError(parsed.error, merged, layers);
  const config = parsed.data;
  return {
    config: {
      ...config,
      model: isRemoteModel(config.model) ? config.model : resolve(home, config.model),
      modelsDir: resolve(home, config.modelsDir),
      dataDir: resolve(home, config.dataDir),
    },
    secrets: readSecrets(env),
    configFile,
    environment: env,
    home,
  };
}

/** The config file to read, or null when none is named and the home has none. */
function chosenConfigFile({ configFile, environment, home }: LoadConfigOptions): string | null {
  const named = configFile
    ? { path: configFile, source: "--config" }
    : environment.GURU_CONFIG
      ? { path: resolve(home, environment.GURU_CONFIG), source: "GURU_CONFIG" }
      : null;
  if (!named) return existsSync(homeConfigFile(home)) ? homeConfigFile(home) : null;
  if (!existsSync(named.path)) {
    throw new GuruError(
      "CONFIG_INVALID",
      `${named.source} points to ${named.path}, which does not exist. Fix the path or drop ${named.source}.`,
    );
  }
  return named.path;
}

/**
 * One layer per setting set in the environment, by its `GURU_…` name or an older alias (the
 * rule's name wins). A `GURU_…__…` name that is no setting is refused, not ignored: it is a typo.
 */
function environmentLayers(env: Environment): Layer[] {
  const settings = configSettings();
  const known = new Set(settings.flatMap((setting) => [setting.variable, ...setting.aliases]));
  const unknown = Object.keys(env).filter((name) => /^GURU_\w*__/.test(name) && !known.has(name));
  if (unknown.length > 0) {
    throw new GuruError(
      "CONFIG_INVALID",
      `${unknown.join(", ")} ${unknown.length > 1 ? "are not settings" : "is not a setting"}: ` +
        "see docs/configuration.md for every setting's variable.",
    );
  }
  return settings.flatMap((setting) => {
    const variable = [setting.variable, ...setting.aliases].find((name) => env[name]?.trim());
    if (variable === undefined) return [];
    const value = valueFromVariable(setting.schema, env[variable] ?? "");
    return [{ label: `environment variable ${variable}`, values: nest(setting.path, value) }];
  });
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
  // `$schema` tells an editor where the JSON Schema is; it is no setting.
  const { $schema: _editorHint, ...values } = parsed as Record<string, unknown>;
  return values;
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

/**
 * A value as an error may show it: never one under a secret's name, never a whole unknown object,
 * never the user and password of a URL (`http://user:pass@host`).
 */
function shownValue(path: readonly string[], value: unknown): string {
  if (value === undefined) return "(missing)";
  if (isSecretKey(path)) return redactionMarker;
  if (isPlainObject(value)) return "{…}";
  if (typeof value === "string")
    return JSON.stringify(value.replace(urlCredentials, `$1${redactionMarker}@`));
  return JSON.stringify(value);
}

const urlCredentials = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]+@/i;
