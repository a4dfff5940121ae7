import { describe, expect, it } from "vitest";
import { everyPropertyRequired } from "../../../../src/engine/servers/llamaServer/everyPropertyRequired.js";
import { modelAnalysisJsonSchema } from "../../../../src/service/cognitiveAnalysis.js";

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  required?: string[];
  [key: string]: unknown;
}

/** Every object schema inside `node` (at any depth), with where it was found. */
function objectSchemas(node: unknown, path = "$"): { path: string; schema: SchemaNode }[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => objectSchemas(item, `${path}[${index}]`));
  if (!node || typeof node !== "object") return [];
  const schema = node as SchemaNode;
  const own = schema.properties ? [{ path, schema }] : [];
  return [
    ...own,
    ...Object.entries(schema).flatMap(([key, value]) =>
      key === "properties"
        ? Object.entries(value as Record<string, unknown>).flatMap(([name, inner]) =>
            objectSchemas(inner, `${path}.${name}`),
          )
        : objectSchemas(value, `${path}/${key}`),
    ),
  ];
}

describe("everyPropertyRequired", () => {
  it("lists every property of every object as required, however deep", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string" },
        nested: {
          type: "object",
          properties: {
            b: { type: "number" },
            c: { type: "array", items: { type: "object", properties: { d: {} } } },
          },
          required: ["b"],
        },
        either: { anyOf: [{ type: "object", properties: { e: {} } }, { type: "null" }] },
      },
    };
    const required = everyPropertyRequired(schema);
    expect(objectSchemas(required).map(({ path, schema: object }) => [path, object.required])).toEqual([
      ["$", ["a", "nested", "either"]],
      ["$.nested", ["b", "c"]],
      ["$.nested.c/items", ["d"]],
      ["$.either/anyOf[0]", ["e"]],
    ]);
  });

  it("treats property names that are schema keywords as names", () => {
    const schema = {
      type: "object",
      properties: { properties: { type: "string" }, required: { type: "boolean" } },
    };
    expect(everyPropertyRequired(schema)).toEqual({
      type: "object",
      properties: { properties: { type: "string" }, required: { type: "boolean" } },
      required: ["properties", "required"],
    });
  });

  it("leaves the analysis schema's objects with all their properties required and changes nothing else", () => {
    const required = everyPropertyRequired(modelAnalysisJsonSchema);
    for (const { schema } of objectSchemas(required)) {
      expect(schema.required).toEqual(Object.keys(schema.properties ?? {}));
    }
    const strip = (node: unknown): unknown =>
      JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === "required" ? undefined : value)));
    expect(strip(required)).toEqual(strip(modelAnalysisJsonSchema));
  });

  it("does not change the schema it is given", () => {
    const schema = { type: "object", properties: { a: {} } };
    everyPropertyRequired(schema);
    expect(schema).toEqual({ type: "object", properties: { a: {} } });
  });
});
