/**
 * A copy of a JSON schema in which every object lists all its properties in `required`, at every
 * depth. llama.cpp's schema-to-grammar leaves unlisted properties optional; node-llama-cpp
 * requires them all, and Guru's analyses are written for that.
 */
export function everyPropertyRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(everyPropertyRequired);
  if (!schema || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // Under `properties` the keys are property names, each holding a schema.
    copy[key] =
      key === "properties" && value && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(
            Object.entries(value).map(([name, inner]) => [name, everyPropertyRequired(inner)]),
          )
        : everyPropertyRequired(value);
  }
  const properties = copy.properties;
  if (properties && typeof properties === "object" && !Array.isArray(properties)) {
    copy.required = Object.keys(properties);
  }
  return copy;
}
