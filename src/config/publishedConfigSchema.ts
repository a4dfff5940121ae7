import { resolve } from "node:path";
import { configJsonSchema } from "./configSettings.js";
import { packageRoot } from "./guruHome.js";

export const publishedConfigSchemaPath = resolve(packageRoot, "schemas", "guru-config.schema.json");

/**
 * The JSON Schema of a config file, derived from the zod schema, for editors (completion and
 * checks through the file's `"$schema"` key, which Guru itself ignores).
 */
export function publishedConfigSchema(): object {
  const { properties, ...schema } = configJsonSchema();
  return {
    $id: "https://guru.local/schemas/guru-config.schema.json",
    title: "Guru configuration",
    ...schema,
    properties: {
      $schema: {
        type: "string",
        description: "Where this file's JSON Schema is (for editors; Guru ignores it).",
      },
      ...properties,
    },
  };
}
