import { resolve } from "node:path";
import { z } from "zod";
import { packageRoot } from "../config/guruHome.js";
import { analysisSchemaVersion, cognitiveAnalysisSchema } from "./cognitiveAnalysis.js";

export const publishedAnalysisSchemaPath = resolve(
  packageRoot,
  "schemas",
  `cognitive-analysis.v${analysisSchemaVersion}.json`,
);

/** The JSON Schema of what `guru analyze --json` prints, derived from the zod schema. */
export function publishedAnalysisSchema(): object {
  return {
    $id: `https://guru.local/schemas/cognitive-analysis.v${analysisSchemaVersion}.json`,
    title: "Guru cognitive analysis",
    ...z.toJSONSchema(cognitiveAnalysisSchema),
  };
}
