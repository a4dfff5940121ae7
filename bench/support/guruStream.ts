import type { Engine } from "../../src/engine/engine.js";
import type { GenerationRequest } from "../../src/engine/generationTypes.js";
import type { StreamFigures } from "./throughput.js";

/** Runs one request through Guru's engine (queue, slot, streaming) to its `done` event. */
export async function generateThroughGuru(
  engine: Engine,
  request: GenerationRequest,
): Promise<StreamFigures> {
  for await (const event of engine.generate(request)) {
    if (event.type !== "done") continue;
    const { usage } = event.result;
    return {
      generatedTokens: usage.generatedTokens,
      timeToFirstTokenMs: usage.queueMs + usage.timeToFirstTokenMs,
      evaluatedPromptTokens: usage.promptTokens - usage.cachedPromptTokens,
    };
  }
  throw new Error("Guru's event stream ended without a done event");
}
