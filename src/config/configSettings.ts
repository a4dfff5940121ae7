import { z } from "zod";
import { configSchema } from "./configSchema.js";

/** The parts of a JSON Schema node that the settings list reads. */
export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly anyOf?: readonly SchemaNode[];
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly format?: string;
  readonly pattern?: string;
}

/** One setting: a leaf of the config schema, with its environment variable. */
export interface Setting {
  /** `["engine", "slots"]` */
  readonly path: readonly string[];
  /** `GURU_ENGINE__SLOTS` */
  readonly variable: string;
  /** Shorter names kept from earlier versions (`GURU_SLOTS`). */
  readonly aliases: readonly string[];
  readonly schema: SchemaNode;
}

/** The config file's shape as JSON Schema (what a user writes: defaults make keys optional). */
export function configJsonSchema(): SchemaNode {
  return z.toJSONSchema(configSchema, { io: "input" }) as SchemaNode;
}

/**
 * The naming rule: `GURU_` and the setting's path, each key in upper snake case, keys joined by a
 * double underscore: `engine.maxWaitingPerUser` is `GURU_ENGINE__MAX_WAITING_PER_USER`,
 * `dataDir` is `GURU_DATA_DIR`.
 */
export function variableFor(path: readonly string[]): string {
  return `GURU_${path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("__")}`;
}

/** Earlier, shorter names that still set a setting (the rule's name wins when both are set). */
export const variableAliases: Readonly<Record<string, string>> = {
  GURU_GPU: "engine.gpu",
  GURU_SLOTS: "engine.slots",
  GURU_THREADS: "engine.threads",
  GURU_CONTEXT_SIZE: "engine.contextSize",
  GURU_MCP_PORT: "mcp.httpPort",
  GURU_WEB_PORT: "web.port",
  GURU_OPS_PORT: "ops.port",
  SLACK_API_URL: "slack.apiUrl",
  DISCORD_API_URL: "discord.apiUrl",
  DISCORD_CLIENT_ID: "discord.clientId",
  DISCORD_GUILD_IDS: "discord.guildIds",
};

/** Every setting, in the schema's order. */
export function configSettings(): Setting[] {
  const settings: Setting[] = [];
  const visit = (node: SchemaNode, path: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (isSection(child)) visit(child, [...path, key]);
      else settings.push(setting(child, [...path, key]));
    }
  };
  visit(configJsonSchema(), []);
  return settings;
}

/** A nested object of settings (`engine`, `slack.allow`), as opposed to a record like `channelPrompts`. */
export function isSection(node: SchemaNode): boolean {
  return node.properties !== undefined;
}

function setting(schema: SchemaNode, path: string[]): Setting {
  const dotted = path.join(".");
  return {
    path,
    variable: variableFor(path),
    aliases: Object.keys(variableAliases).filter((alias) => variableAliases[alias] === dotted),
    schema,
  };
}

/** The JSON types a node accepts (`anyOf` and `const` included). */
export function typesOf(node: SchemaNode): Set<string> {
  const types = new Set<string>([node.type ?? []].flat());
  if (node.const !== undefined) types.add(typeof node.const);
  for (const option of node.anyOf ?? []) for (const type of typesOf(option)) types.add(type);
  return types;
}

/**
 * A variable's text as the setting's type: numbers and `true`/`false` by the schema, `null` where
 * the setting takes null, lists comma-separated (or JSON), objects as JSON. Anything that does not
 * fit stays text, so the schema's error names the variable and what it expected.
 */
export function valueFromVariable(node: SchemaNode, text: string): unknown {
  const value = text.trim();
  const types = typesOf(node);
  if (types.has("null") && value === "null") return null;
  if ((types.has("array") || types.has("object")) && /^[[{]/.test(value)) return jsonOrText(value);
  if (types.has("array")) {
    return value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  }
  if ((types.has("integer") || types.has("number")) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.has("boolean") && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  return value;
}

function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
