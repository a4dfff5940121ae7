import type { ServerGeneration } from "../serverBackend.js";
import { everyPropertyRequired } from "./everyPropertyRequired.js";

/**
 * The `/completion` request for one answer. The prompt goes as token ids (never parsed for
 * special tokens again); sampling is Guru's own, with `min_p` off (the server's default is 0.05).
 * No `id_slot`: a named busy slot would make the request wait while others are idle.
 */
export function completionBody(run: ServerGeneration, prompt: readonly number[], maxTokens: number): object {
  return {
    prompt,
    stream: true,
    cache_prompt: true,
    n_predict: maxTokens,
    temperature: run.sampling.temperature,
    top_k: run.sampling.topK,
    top_p: run.sampling.topP,
    min_p: 0,
    ...(run.sampling.seed === undefined ? {} : { seed: run.sampling.seed }),
    n_probs: 1,
    post_sampling_probs: true,
    ...(run.jsonSchema ? { json_schema: everyPropertyRequired(run.jsonSchema) } : {}),
    ...(run.ignoreEndOfText ? { ignore_eos: true } : {}),
  };
}
