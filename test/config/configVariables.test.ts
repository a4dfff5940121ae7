import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  configSettings,
  type SchemaNode,
  typesOf,
  variableAliases,
  variableFor,
} from "../../src/config/configSettings.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { GuruError } from "../../src/errors.js";

const home = mkdtempSync(join(tmpdir(), "guru-variables-"));

function configFrom(environment: Record<string, string>) {
  return loadConfig({ environment, home }).config;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
}

/** A valid value unlike the default, picked from the setting's JSON Schema. */
function otherValue(node: SchemaNode, current: unknown): unknown {
  const choices = node.anyOf?.filter((option) => !typesOf(option).has("null") && option.const !== current);
  if (choices?.[0]) return otherValue(choices[0], current);
  if (node.enum) return node.enum.find((value) => value !== current);
  const types = typesOf(node);
  if (types.has("boolean")) return current !== true;
  if (types.has("array")) {
    const item = node.items as (SchemaNode & { readonly required?: readonly string[] }) | undefined;
    if (!item?.properties) return ["x1", "x2"];
    // A list of objects (inference servers): one item with each required property set.
    const required = item.required ?? [];
    return [
      Object.fromEntries(required.map((key) => [key, otherValue(item.properties?.[key] ?? {}, undefined)])),
    ];
  }
  if (types.has("object")) return { k: "v" };
  if (types.has("integer") || types.has("number")) {
    const low = node.minimum ?? node.exclusiveMinimum ?? 0;
    const next = typeof current === "number" ? current + 1 : low + 1;
    if (next <= (node.maximum ?? Number.MAX_SAFE_INTEGER)) return next;
    return types.has("integer") ? (current as number) - 1 : (current as number) / 2;
  }
  if (node.format === "uri") return "http://127.0.0.1:9/elsewhere";
  return node.pattern ? "123" : "another value";
}

/** How a person would write `value` in a variable. */
function asVariableText(value: unknown): string {
  if (Array.isArray(value))
    return value.some((item) => typeof item === "object") ? JSON.stringify(value) : value.join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Paths resolved against the home: their value read back is absolute, tested on their own. */
const resolvedPaths = new Set(["model", "modelsDir", "dataDir"]);

describe("the naming rule", () => {
  it("turns a setting's path into GURU_ and upper snake case keys joined by __", () => {
    expect(variableFor(["engine", "slots"])).toBe("GURU_ENGINE__SLOTS");
    expect(variableFor(["engine", "maxWaitingPerUser"])).toBe("GURU_ENGINE__MAX_WAITING_PER_USER");
    expect(variableFor(["slack", "allow", "channels"])).toBe("GURU_SLACK__ALLOW__CHANNELS");
    expect(variableFor(["dataDir"])).toBe("GURU_DATA_DIR");
  });

  it("sets every setting of the schema from its variable, read by the setting's type", () => {
    const settings = configSettings().filter((setting) => !resolvedPaths.has(setting.path.join(".")));
    expect(settings.length).toBeGreaterThan(40);
    for (const setting of settings) {
      const value = otherValue(setting.schema, setting.schema.default);
      expect(value, setting.variable).not.toEqual(setting.schema.default);
      const config = configFrom({ [setting.variable]: asVariableText(value) });
      // A list of objects comes back with its items' defaults filled in.
      const expected = Array.isArray(value)
        ? value.map((item) => (typeof item === "object" ? expect.objectContaining(item) : item))
        : value;
      expect(valueAt(config, setting.path), setting.variable).toEqual(expected);
    }
  });

  it("resolves a relative path from a variable against the home", () => {
    const config = configFrom({ GURU_MODEL: "m/x.gguf", GURU_MODELS_DIR: "m", GURU_DATA_DIR: "d" });
    expect(config).toMatchObject({
      model: join(home, "m/x.gguf"),
      modelsDir: join(home, "m"),
      dataDir: join(home, "d"),
    });
  });

  it("reads numbers, booleans, null, comma lists and JSON objects", () => {
    const config = configFrom({
      GURU_ENGINE__SLOTS: "2",
      GURU_ENGINE__TEMPERATURE: "0.25",
      GURU_ENGINE__THREADS: "3",
      GURU_SLACK__FOLLOW_THREADS: "false",
      GURU_SLACK__ALLOW__CHANNELS: "C1, C2,,C3",
      GURU_DISCORD__ADMINS: '["U1","U2"]',
      GURU_MCP__HTTP_PORT: "null",
      GURU_MEMORY__RETENTION_DAYS: "30",
      GURU_ASSISTANT__CHANNEL_PROMPTS: '{"discord":"Be brief."}',
    });
    expect(config.engine).toMatchObject({ slots: 2, temperature: 0.25, threads: 3 });
    expect(config.slack.followThreads).toBe(false);
    expect(config.slack.allow.channels).toEqual(["C1", "C2", "C3"]);
    expect(config.discord.admins).toEqual(["U1", "U2"]);
    expect(config.mcp.httpPort).toBeNull();
    expect(config.memory.retentionDays).toBe(30);
    expect(config.assistant.channelPrompts).toEqual({ discord: "Be brief." });
  });

  it("keeps the older short names working, the rule's name winning when both are set", () => {
    expect(configFrom({ GURU_SLOTS: "3" }).engine.slots).toBe(3);
    expect(configFrom({ GURU_SLOTS: "3", GURU_ENGINE__SLOTS: "5" }).engine.slots).toBe(5);
    expect(configFrom({ DISCORD_GUILD_IDS: "1,2" }).discord.guildIds).toEqual(["1", "2"]);
    expect(configFrom({ GURU_MCP_PORT: "8765" }).mcp.httpPort).toBe(8765);
  });

  it("has every alias point at a setting", () => {
    const paths = new Set(configSettings().map((setting) => setting.path.join(".")));
    for (const path of Object.values(variableAliases)) expect(paths, path).toContain(path);
  });

  it("names the variable and what was expected when a value does not fit", () => {
    expect(() => configFrom({ GURU_SLACK__FOLLOW_THREADS: "maybe" })).toThrow(
      /slack\.followThreads = "maybe" \(from environment variable GURU_SLACK__FOLLOW_THREADS\): .*boolean/,
    );
  });

  it("refuses a GURU_…__… variable that names no setting", () => {
    const error = (() => {
      try {
        configFrom({ GURU_ENGINE__SLOT: "2" });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(GuruError);
    expect((error as GuruError).code).toBe("CONFIG_INVALID");
    expect((error as GuruError).message).toContain("GURU_ENGINE__SLOT is not a setting");
  });
});
