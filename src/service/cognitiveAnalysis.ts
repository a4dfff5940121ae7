import { z } from "zod";
import { probabilityEngines, probabilityKinds } from "../engine/generationTypes.js";

/**
 * The cognitive analysis: what `analyze` returns. One zod schema says what the model writes; the
 * JSON schema that constrains generation is derived from it (every string and array bounded,
 * every number an enumerated value in [0, 1], or random weights run away), so the two cannot drift.
 */
export const analysisSchemaVersion = 1;

const confidenceSteps = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/**
 * At most `maxLength` characters. The grammar counts a character per code point (or escape);
 * JavaScript's `length` counts UTF-16 units, so the check counts code points and the grammar gets
 * the bound as `maxLength`.
 */
const boundedText = (maxLength: number) =>
  z
    .string()
    .min(1)
    .refine((text) => codePoints(text) <= maxLength, { message: `at most ${maxLength} characters` })
    .meta({ maxLength });

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export const recommendationKinds = ["architectural", "practical", "process", "investigate"] as const;

/**
 * What the model is made to write (snake_case, the JSON convention models know best), in the order
 * it writes it. The bounds keep the longest analysis within the default token budget at one token
 * per character (see analysisTokenBound.ts); what costs more is cut and closed (analysisResult.ts).
 */
export const modelAnalysisSchema = z.object({
  summary: boundedText(180),
  reasoning_steps: z.array(boundedText(120)).min(1).max(3),
  quantitative_insights: z.array(boundedText(100)).max(2),
  patterns: z
    .array(
      z.object({ name: boundedText(32), evidence: boundedText(100), confidence: z.literal(confidenceSteps) }),
    )
    .max(2),
  recommendations: z.array(z.object({ kind: z.enum(recommendationKinds), action: boundedText(110) })).max(3),
  self_confidence: z.literal(confidenceSteps),
});

export type ModelAnalysis = z.infer<typeof modelAnalysisSchema>;

/** The generation grammar's JSON schema, derived from the zod schema above. */
export const modelAnalysisJsonSchema: object = z.toJSONSchema(modelAnalysisSchema);

/**
 * What an analysis cut by the length limit can hold once closed (jsonPrefixCloser.ts): any section
 * may be missing; what is there has passed the same checks (a cut string is only shorter).
 */
export const cutModelAnalysisSchema = modelAnalysisSchema.partial();

export type CutModelAnalysis = z.infer<typeof cutModelAnalysisSchema>;

export const confidenceMethod = "token-probability+self-assessment+completeness" as const;
/** The method when the engine gave no token probabilities (an OpenAI-compatible server without logprobs). */
export const confidenceMethodWithoutTokens = "self-assessment+completeness" as const;

/** The parts of an analysis, as the published object names them. */
export const analysisSections = [
  "summary",
  "reasoningSteps",
  "quantitativeInsights",
  "patterns",
  "recommendations",
  "selfAssessment",
] as const;
export type AnalysisSection = (typeof analysisSections)[number];

/** Which published part each key the model writes becomes. */
export const sectionOfModelKey = {
  summary: "summary",
  reasoning_steps: "reasoningSteps",
  quantitative_insights: "quantitativeInsights",
  patterns: "patterns",
  recommendations: "recommendations",
  self_confidence: "selfAssessment",
} as const satisfies Record<keyof ModelAnalysis, AnalysisSection>;

const unit = z.number().min(0).max(1);

/** The published object (`schemas/cognitive-analysis.v1.json`), as stored and as `--json` prints it. */
export const cognitiveAnalysisSchema = z.object({
  schemaVersion: z.literal(analysisSchemaVersion),
  summary: z.string(),
  reasoningSteps: z.array(z.string()),
  quantitativeInsights: z.array(z.string()),
  patterns: z.array(z.object({ name: z.string(), evidence: z.string(), confidence: unit })),
  recommendations: z.array(z.object({ kind: z.enum(recommendationKinds), action: z.string() })),
  confidence: z.object({
    overall: unit,
    method: z.enum([confidenceMethod, confidenceMethodWithoutTokens]),
    /**
     * Geometric mean probability of the tokens the model chose freely (not forced by the grammar);
     * absent when the engine gave none (method "self-assessment+completeness").
     */
    tokenProbability: unit.optional(),
    /** The model's own estimate, one input among three (0 when the analysis was cut before it). */
    selfAssessment: unit,
    /** The share of the analysis's sections that have content (and, when cut, were finished). */
    completeness: unit,
    freeTokens: z.int().min(0),
    /**
     * Which engine produced the token probabilities and what they measure: "sampled" after
     * temperature/top-k/top-p, "raw" before sampling, "none" when it gave none; `server` is the
     * inference server that answered. Absent in analyses made before engines were recorded.
     */
    probabilities: z
      .object({
        engine: z.enum(probabilityEngines),
        kind: z.enum(probabilityKinds),
        server: z.string().optional(),
      })
      .optional(),
  }),
  /**
   * Present only when the analysis was cut by its token budget (`assistant.analysisMaxTokens`)
   * and closed where it stopped: which sections the cut left out or left unfinished.
   */
  incomplete: z
    .object({
      reason: z.literal("lengthLimit"),
      missingSections: z.array(z.enum(analysisSections)),
    })
    .optional(),
});

export type CognitiveAnalysis = z.infer<typeof cognitiveAnalysisSchema>;
