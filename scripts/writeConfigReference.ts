import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { configurationReference, configurationReferencePath } from "../src/cli/configurationReference.js";
import { packageRoot } from "../src/config/guruHome.js";
import { publishedConfigSchema, publishedConfigSchemaPath } from "../src/config/publishedConfigSchema.js";

/**
 * Rewrites schemas/guru-config.schema.json and docs/configuration.md from the zod schema
 * (`npm run docs:config`; a test checks both agree with the code).
 */
const docsPath = resolve(packageRoot, configurationReferencePath);
mkdirSync(dirname(docsPath), { recursive: true });
writeFileSync(publishedConfigSchemaPath, `${JSON.stringify(publishedConfigSchema(), null, 2)}\n`);
writeFileSync(docsPath, configurationReference());
process.stdout.write(`wrote ${publishedConfigSchemaPath} and ${docsPath}\n`);
