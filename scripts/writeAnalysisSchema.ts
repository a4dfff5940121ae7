import { writeFileSync } from "node:fs";
import { publishedAnalysisSchema, publishedAnalysisSchemaPath } from "../src/service/publishedSchema.js";

/** Rewrites schemas/cognitive-analysis.v1.json from the zod schema (a test checks they agree). */
writeFileSync(publishedAnalysisSchemaPath, `${JSON.stringify(publishedAnalysisSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${publishedAnalysisSchemaPath}\n`);
