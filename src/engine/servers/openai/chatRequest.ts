import type { ServerGeneration } from "../serverBackend.js";
import { neutraliseSpecialTokens } from "../specialTokenText.js";

/**
 * The `POST /v1/chat/completions` body for one answer. The server renders the chat template and
 * tokenizes with special-token parsing on, so every turn's text is neutralised first (Guru's own
 * system prompt never legitimately holds a control token, and quoted material can sit anywhere).
 * `top_k` and `ignore_eos` are not OpenAI's: vLLM, llama.cpp and LM Studio read them, others
 * ignore them. `logprobs` with `top_logprobs: 1` asks for the chosen token's log-probability.
 */
export function chatRequestBody(run: ServerGeneration, model: string): object {
  return {
    model,
    messages: run.turns.map((turn) => ({ role: turn.role, content: neutraliseSpecialTokens(turn.text) })),
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: run.maxTokens,
    temperature: run.sampling.temperature,
    top_p: run.sampling.topP,
    top_k: run.sampling.topK,
    ...(run.sampling.seed === undefined ? {} : { seed: run.sampling.seed }),
    logprobs: true,
    top_logprobs: 1,
    ...(run.ignoreEndOfText ? { ignore_eos: true } : {}),
    ...(run.jsonSchema
      ? {
          response_format: {
            type: "json_schema",
            json_schema: { name: "guru_output", schema: run.jsonSchema, strict: true },
          },
        }
      : {}),
  };
}
