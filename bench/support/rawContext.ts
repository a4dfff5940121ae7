import { type LlamaContextSequence, type LlamaModel, resolveChatWrapper } from "node-llama-cpp";
import type { EngineConfig } from "../../src/config/configSchema.js";
import { renderChatPrompt } from "../../src/engine/embedded/chatPrompt.js";
import type { LlamaBackend } from "../../src/engine/embedded/llamaBackend.js";
import { nextBenchTurns } from "./benchPrompt.js";
import { generateRaw } from "./rawStream.js";
import type { StreamFigures } from "./throughput.js";

/** node-llama-cpp without Guru: one context with a sequence per stream, shaped like Guru's engine. */
export interface RawContext {
  /** Generates exactly `tokens` tokens for the next bench prompt on sequence `index`. */
  generate(index: number, tokens: number): Promise<StreamFigures>;
  dispose(): Promise<void>;
}

export async function openRawContext(
  backend: LlamaBackend,
  modelPath: string,
  config: EngineConfig,
  sequenceCount: number,
  threads: number,
): Promise<RawContext> {
  const model: LlamaModel = await backend.llama.loadModel({ modelPath });
  try {
    const context = await model.createContext({
      contextSize: config.contextSize,
      sequences: sequenceCount,
      threads,
    });
    const sequences = Array.from({ length: sequenceCount }, () => context.getSequence());
    const chatWrapper = resolveChatWrapper(model);
    const sampling = { temperature: config.temperature, topP: config.topP, topK: config.topK };
    return {
      generate: (index, tokens) => {
        // Rendered the way Guru renders, so both evaluate the same prompt tokens.
        const prompt = renderChatPrompt(model, chatWrapper, nextBenchTurns());
        return generateRaw(sequences[index] as LlamaContextSequence, prompt.tokens, tokens, sampling);
      },
      dispose: () => model.dispose(),
    };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}
