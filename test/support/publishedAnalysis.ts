import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";
import { publishedAnalysisSchemaPath } from "../../src/service/publishedSchema.js";

/** `guru analyze --json` printed an object that validates against schemas/cognitive-analysis.v1.json. */
export function expectPublishedAnalysis(stdout: string): void {
  const schema = JSON.parse(readFileSync(publishedAnalysisSchemaPath, "utf8")) as object;
  const validate = new Ajv2020({ strict: false }).compile(schema);
  const analysis: unknown = JSON.parse(stdout);
  expect(validate(analysis), JSON.stringify(validate.errors)).toBe(true);
}
