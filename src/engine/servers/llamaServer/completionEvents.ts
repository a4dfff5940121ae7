import { z } from "zod";

/** One generated token's probability as `n_probs` + `post_sampling_probs` report it. */
const tokenProbabilitySchema = z.object({ prob: z.number() });

/** A `/completion` stream event (tools/server/server-task.cpp, `to_json_non_oaicompat`). */
export const completionEventSchema = z.union([
  z.object({
    error: z.union([z.string(), z.object({ message: z.string(), type: z.string().optional() })]),
  }),
  z.object({
    content: z.string().default(""),
    tokens: z.array(z.number()).default([]),
    stop: z.boolean(),
    completion_probabilities: z.array(tokenProbabilitySchema).optional(),
    stop_type: z.string().optional(),
    tokens_evaluated: z.number().optional(),
    timings: z.object({ cache_n: z.number(), prompt_n: z.number(), predicted_n: z.number() }).optional(),
  }),
]);

export type CompletionEvent = z.infer<typeof completionEventSchema>;
