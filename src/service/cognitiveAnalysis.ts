import { z } from "zod";

/**
 * The cognitive analysis: what `analyze` returns. Two views of one shape: the JSON schema that
 * constrains generation (every string and array bounded, every number an enumerated value in
 * [0, 1], or random weights run away), and the zod schema that parses what came out.
 */
export const analysisSchemaVersion = 1;

const confidenceSteps = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

const text = (maxLength: number) => ({ type: "string", minLength: 1, maxLength }) as const;

export const recommendationKinds = ["architectural", "practical", "process", "investigate"] as const;

/** What the model is made to write (snake_case, the JSON convention models know best). */
export const modelAnalysisJsonSchema = {
  type: "object",
  properties: {
    summary: text(280),
    reasoning_steps: { type: "array", items: text(200), minItems: 1, maxItems: 4 },
    quantitative_insights: { type: "array", items: text(140), maxItems: 3 },
    patterns: {
      type: "array",
      items: {
        type: "object",
        properties: {
          name: text(48),
          evidence: text(140),
          confidence: { enum: confidenceSteps },
        },
      },
      maxItems: 3,
    },
    recommendations: {
      type: "array",
      items: {
        type: "object",
        properties: {
          kind: { enum: recommendationKinds },
          action: text(160),
        },
      },
      maxItems: 4,
    },
    self_confidence: { enum: confidenceSteps },
  },
} as const;

const unit = z.number().min(0).max(1);
/** The grammar counts characters; JavaScript counts UTF-16 units, so an emoji may count twice. */
const nonBlank = (max: number) =>
  z
    .string()
    .min(1)
    .max(max * 2);

export const modelAnalysisSchema = z.object({
  summary: nonBlank(280),
  reasoning_steps: z.array(nonBlank(200)).min(1).max(4),
  quantitative_insights: z.array(nonBlank(140)).max(3),
  patterns: z.array(z.object({ name: nonBlank(48), evidence: nonBlank(140), confidence: unit })).max(3),
  recommendations: z.array(z.object({ kind: z.enum(recommendationKinds), action: nonBlank(160) })).max(4),
  self_confidence: unit,
});

export type ModelAnalysis = z.infer<typeof modelAnalysisSchema>;

export const confidenceMethod = "token-probability+self-assessment+completeness" as const;

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
    method: z.literal(confidenceMethod),
    /** Geometric mean probability of the tokens the model chose freely (not forced by the grammar). */
    tokenProbability: unit,
    /** The model's own estimate, one input among three. */
    selfAssessment: unit,
    /** The share of the analysis's sections that have content. */
    completeness: unit,
    freeTokens: z.int().min(0),
  }),
});

export type CognitiveAnalysis = z.infer<typeof cognitiveAnalysisSchema>;
