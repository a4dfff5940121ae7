import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { configurationReference, configurationReferencePath } from "../../src/cli/configurationReference.js";
import { configSettings } from "../../src/config/configSettings.js";
import { packageRoot } from "../../src/config/guruHome.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { publishedConfigSchema, publishedConfigSchemaPath } from "../../src/config/publishedConfigSchema.js";

const exampleFile = join(packageRoot, "config", "guru.example.json");

describe("the published config JSON Schema", () => {
  it("matches the zod schema (regenerate with npm run docs:config)", () => {
    const onDisk: unknown = JSON.parse(readFileSync(publishedConfigSchemaPath, "utf8"));
    expect(onDisk).toEqual(publishedConfigSchema());
  });
});

describe("docs/configuration.md", () => {
  it("matches the zod schema and the exit statuses (regenerate with npm run docs:config)", () => {
    expect(readFileSync(join(packageRoot, configurationReferencePath), "utf8")).toBe(
      configurationReference(),
    );
  });

  it("lists every setting with its variable", () => {
    const reference = configurationReference();
    for (const setting of configSettings()) {
      expect(reference).toContain(`| \`${setting.path.join(".")}\` |`);
      expect(reference).toContain(`\`${setting.variable}\``);
    }
  });
});

describe("config/guru.example.json", () => {
  it("is a valid config file, its $schema key ignored", () => {
    const { config, configFile } = loadConfig({
      environment: {},
      home: packageRoot,
      configFile: exampleFile,
    });
    expect(configFile).toBe(exampleFile);
    expect(config.memory.retentionDays).toBe(90);
  });

  it("passes the published JSON Schema its $schema points at", () => {
    const example = JSON.parse(readFileSync(exampleFile, "utf8")) as { $schema: string };
    expect(join(packageRoot, "config", example.$schema)).toBe(publishedConfigSchemaPath);
    const validate = new Ajv2020({ strict: false }).compile(publishedConfigSchema());
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it("shows a few settings, not a copy of every default", () => {
    const text = readFileSync(exampleFile, "utf8");
    expect(
      configSettings().filter((setting) => text.includes(`"${setting.path.at(-1)}"`)).length,
    ).toBeLessThan(configSettings().length / 3);
  });
});
