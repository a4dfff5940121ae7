import type { ServerSampling } from "../../src/engine/servers/serverBackend.js";
import type { StreamFigures } from "./throughput.js";

/**
 * The baseline Guru's server engine is measured against: one plain `fetch` to llama-server's
 * `/completion` with the rendered prompt as text, the same sampling and per-token probabilities
 * Guru asks for, and the stream read line by line until its last event.
 */
export async function generateRawOnServer(
  url: string,
  prompt: string,
  tokens: number,
  sampling: ServerSampling,
): Promise<StreamFigures> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/completion`, {
    method: "POST",
    // As Guru does: llama-server drops surplus kept-alive connections without saying so.
    headers: { "content-type": "application/json", connection: "close" },
    body: JSON.stringify({
      prompt,
      stream: true,
      cache_prompt: true,
      n_predict: tokens,
      ignore_eos: true,
      temperature: sampling.temperature,
      top_k: sampling.topK,
      top_p: sampling.topP,
      min_p: 0,
      n_probs: 1,
      post_sampling_probs: true,
    }),
  });
  if (!response.ok || !response.body) throw new Error(`${url}/completion answered ${response.status}`);
  let firstTokenAt: number | undefined;
  let pending = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data: ")) continue;
      const event = JSON.parse(line.slice(6)) as {
        stop?: boolean;
        tokens?: number[];
        error?: unknown;
        timings?: { predicted_n: number; prompt_n: number };
      };
      if (event.error) throw new Error(`${url}/completion failed: ${JSON.stringify(event.error)}`);
      if (event.tokens?.length) firstTokenAt ??= performance.now();
      if (event.stop) {
        return {
          generatedTokens: event.timings?.predicted_n ?? 0,
          timeToFirstTokenMs: (firstTokenAt ?? performance.now()) - startedAt,
          evaluatedPromptTokens: event.timings?.prompt_n ?? 0,
        };
      }
    }
  }
  throw new Error(`${url}/completion ended its stream early`);
}
