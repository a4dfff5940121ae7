import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { publishedAnalysisSchema, publishedAnalysisSchemaPath } from "../../src/service/publishedSchema.js";
import { openTinyEngine } from "../support/engineHarness.js";
import {
  analysisOf,
  channel,
  finalOf,
  openServiceRig,
  request,
  type ServiceRig,
  updatesOf,
} from "../support/serviceHarness.js";

describe("cognitive analysis", () => {
  let engine: Engine;
  let rig: ServiceRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
    rig = openServiceRig(engine);
  });

  afterAll(async () => {
    rig.close();
    await engine.close();
  });

  it("always parses into the published schema, with a computed confidence in [0, 1] that varies", async () => {
    const validate = new Ajv2020({ strict: false }).compile(publishedAnalysisSchema());
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        updatesOf(rig.service.handle(request(`Why is the build slow? (${i})`, { mode: "analyze" }))),
      ),
    );
    const confidences = runs.map((updates) => {
      const reply = analysisOf(finalOf(updates));
      expect(validate(reply.analysis), JSON.stringify(validate.errors)).toBe(true);
      expect(reply.analysis.confidence.method).toBe("token-probability+self-assessment+completeness");
      expect(reply.analysis.confidence.overall).toBeGreaterThanOrEqual(0);
      expect(reply.analysis.confidence.overall).toBeLessThanOrEqual(1);
      expect(reply.analysis.confidence.freeTokens).toBeGreaterThan(0);
      return reply.analysis.confidence.overall;
    });
    expect(new Set(confidences).size).toBeGreaterThan(1);
  });

  it("streams no raw JSON while analysing, and renders Markdown with the confidence", async () => {
    const updates = await updatesOf(
      rig.service.handle(request("Assess our deploy process", { mode: "analyze" })),
    );
    expect(updates.some((u) => u.type === "text")).toBe(false);
    const reply = analysisOf(finalOf(updates));
    expect(reply.markdown).toContain("**Summary.**");
    expect(reply.markdown).toMatch(/\*\*Confidence:\*\* \d+%/);
  });

  it("stores each analysis so a later question in the same scope gets it as context", async () => {
    const thread = { ...channel, thread: "analysis-followup" };
    const first = analysisOf(
      finalOf(
        await updatesOf(rig.service.handle(request("Analyse caching", { address: thread, mode: "analyze" }))),
      ),
    );
    const stored = rig.service.remembered(thread)?.analyses ?? [];
    expect(stored).toHaveLength(1);
    expect(stored[0]?.confidence).toBe(first.analysis.confidence.overall);
    // A word of the (random) analysis, cut the way full-text search cuts words.
    const word = first.analysis.summary.split(/[^\p{L}\p{N}\p{M}]+/u).find((w) => w.length >= 3);
    expect(word).toBeDefined();
    await updatesOf(rig.service.handle(request(`More about ${word}?`, { address: thread })));
    // Digests are model output that may repeat user text: quoted user-side content, never the system turn.
    const turns = rig.generations.at(-1)?.turns ?? [];
    expect(turns.at(-1)?.text).toContain("Earlier analyses");
    expect(turns.filter((turn) => turn.text.includes("Earlier analyses")).map((turn) => turn.role)).toEqual([
      "user",
    ]);
  });
});

describe("the published JSON Schema file", () => {
  it("matches the schema in code (regenerate with npx tsx scripts/writeAnalysisSchema.ts)", () => {
    const onDisk: unknown = JSON.parse(readFileSync(publishedAnalysisSchemaPath, "utf8"));
    expect(onDisk).toEqual(publishedAnalysisSchema());
  });
});
