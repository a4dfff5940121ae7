import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelOptions } from "../../scripts/gguf/generateModel.js";
import type { Phi3PresetName } from "../../scripts/gguf/phi3Model.js";
import type { Engine } from "../../src/engine/engine.js";
import type { GenerationEvent, GenerationResult } from "../../src/engine/generationTypes.js";
import { cognitiveAnalysisSchema, modelAnalysisSchema } from "../../src/service/cognitiveAnalysis.js";
import { publishedAnalysisSchemaPath } from "../../src/service/publishedSchema.js";
import { openGeneratedEngine } from "../support/engineHarness.js";
import {
  channel,
  finalOf,
  openServiceRig,
  request,
  type ServiceRig,
  updatesOf,
} from "../support/serviceHarness.js";

/**
 * Below what these models write when left alone (≈280–1,100 tokens), so most runs are cut: the
 * case to prove. The default budget (2,048) is checked against the grammar in analysisGrammar.test.ts.
 */
const analysisMaxTokens = 256;
const runs = 20;

interface TestModel {
  readonly label: string;
  readonly preset: Phi3PresetName;
  readonly options: ModelOptions;
  /** What "分" costs in this vocabulary. */
  readonly tokensPerCjkCharacter: number;
}

const models: readonly TestModel[] = [
  {
    label: "tiny, byte-level BPE with English merges only (CJK falls back to bytes), seed 7",
    preset: "tiny",
    options: { seed: 7 },
    tokensPerCjkCharacter: 3,
  },
  {
    label: "small, 4,096-token vocabulary of whole words, seed 3",
    preset: "small",
    options: { seed: 3 },
    tokensPerCjkCharacter: 3,
  },
  {
    label: "tiny, 3,000 kana and ideographs as single tokens, seed 5",
    preset: "tiny",
    options: { seed: 5, cjkCharacters: 3000 },
    tokensPerCjkCharacter: 1,
  },
];

function isWholeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe.each(models)("analyses on a random-weight model ($label)", (model) => {
  let engine: Engine;
  let rig: ServiceRig;
  const results: GenerationResult[] = [];

  beforeAll(async () => {
    engine = await openGeneratedEngine(model.preset, model.options, { contextSize: 1536, slots: 1 });
    async function* keepResults(events: AsyncIterable<GenerationEvent>): AsyncIterable<GenerationEvent> {
      for await (const event of events) {
        if (event.type === "done") results.push(event.result);
        yield event;
      }
    }
    rig = openServiceRig(engine, { analysisMaxTokens, firstSeed: 1, wrapStream: keepResults });
  }, 60_000);

  afterAll(async () => {
    rig?.close();
    await engine?.close();
  });

  it("has the vocabulary it claims", () => {
    expect(engine.countTokens("分")).toBe(model.tokensPerCjkCharacter);
  });

  it(`never fails for length in ${runs} seeded runs: each parses, validates, and says when it was cut`, async () => {
    const validate = new Ajv2020({ strict: false }).compile(
      JSON.parse(readFileSync(publishedAnalysisSchemaPath, "utf8")),
    );
    const started = performance.now();
    let cut = 0;
    const tokens: number[] = [];
    for (let run = 0; run < runs; run++) {
      // A thread each, so every run starts from the same prompt and only its seed differs.
      const address = { ...channel, thread: `length-${run}` };
      const updates = await updatesOf(
        rig.service.handle(
          request("なぜビルドが遅いのですか? Why is the build slow?", { address, mode: "analyze" }),
        ),
      );
      const final = finalOf(updates);
      if (final.type !== "finished" || final.reply.kind !== "analysis")
        throw new Error(`run ${run}: expected an analysis, got ${JSON.stringify(final).slice(0, 300)}`);
      const { analysis, markdown } = final.reply;
      expect(cognitiveAnalysisSchema.parse(analysis)).toEqual(analysis);
      expect(validate(analysis), JSON.stringify(validate.errors)).toBe(true);

      const result = results.at(-1) as GenerationResult;
      const wasCut = result.stopReason === "maxTokens" && !isWholeJson(result.text);
      tokens.push(result.usage.generatedTokens);
      // Cut with only the closing brace left to write, nothing is missing (a number the cut may
      // have shortened, "0" of "0.5", is not taken as written until something follows it).
      const onlyBraceMissing =
        wasCut &&
        /[\s"\]}]$/.test(result.text) &&
        isWholeJson(`${result.text}}`) &&
        Object.keys(JSON.parse(`${result.text}}`)).length === Object.keys(modelAnalysisSchema.shape).length;
      expect(analysis.incomplete !== undefined, `run ${run}: ${result.text}`).toBe(
        wasCut && !onlyBraceMissing,
      );
      if (analysis.incomplete) {
        cut += 1;
        const missing = analysis.incomplete.missingSections;
        expect(missing.length).toBeGreaterThan(0);
        const listsLeft = ["reasoningSteps", "quantitativeInsights", "patterns", "recommendations"].filter(
          (section) => !missing.includes(section as (typeof missing)[number]),
        ).length;
        expect(analysis.confidence.completeness).toBeLessThanOrEqual(listsLeft / 4);
        if (missing.includes("selfAssessment")) expect(analysis.confidence.selfAssessment).toBe(0);
        expect(markdown).toContain("Incomplete: cut by the analysis length limit");
      } else {
        expect(markdown).not.toContain("Incomplete");
      }
      const stored = rig.service.remembered(address)?.analyses ?? [];
      expect(stored.map((row) => JSON.parse(row.json))).toEqual([analysis]);
    }
    const seconds = (performance.now() - started) / 1000 / runs;
    console.info(
      `${model.label}: ${cut} of ${runs} cut at ${analysisMaxTokens} tokens (generated ${Math.min(...tokens)}–${Math.max(...tokens)}), ${seconds.toFixed(2)} s per analysis`,
    );
    expect(cut).toBeGreaterThan(0);
  }, 240_000);
});
