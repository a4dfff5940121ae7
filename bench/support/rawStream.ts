import type { LlamaContextSequence, Token } from "node-llama-cpp";
import type { StreamFigures } from "./throughput.js";

export interface RawSampling {
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
}

/**
 * Generates exactly `tokens` tokens straight on a node-llama-cpp sequence: the baseline Guru's
 * engine is measured against. It keeps the same cached prompt prefix Guru's engine keeps (the
 * tokens that match, never the last one), so both evaluate the same prompt tokens.
 */
export async function generateRaw(
  sequence: LlamaContextSequence,
  promptTokens: readonly Token[],
  tokens: number,
  sampling: RawSampling,
): Promise<StreamFigures> {
  const startedAt = performance.now();
  const { firstDifferentIndex } = sequence.compareContextTokens([...promptTokens]);
  const keep = Math.max(0, Math.min(firstDifferentIndex, promptTokens.length - 1));
  if (sequence.nextTokenIndex > keep) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }
  let generatedTokens = 0;
  let firstTokenAt = startedAt;
  for await (const _token of sequence.evaluate(promptTokens.slice(keep), {
    ...sampling,
    yieldEogToken: true,
  })) {
    if (generatedTokens === 0) firstTokenAt = performance.now();
    generatedTokens += 1;
    if (generatedTokens >= tokens) break;
  }
  return {
    generatedTokens,
    timeToFirstTokenMs: firstTokenAt - startedAt,
    evaluatedPromptTokens: promptTokens.length - keep,
  };
}
