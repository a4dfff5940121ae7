import type { EngineConfig } from "../config/configSchema.js";
import type { GenerationRequest } from "./generationTypes.js";

export interface Sampling {
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
  readonly seed?: number;
}

/** Guru's sampling settings for one request, the same on every engine. */
export function samplingFor(request: GenerationRequest, config: EngineConfig): Sampling {
  return {
    temperature: request.temperature ?? config.temperature,
    topP: config.topP,
    topK: config.topK,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
  };
}
