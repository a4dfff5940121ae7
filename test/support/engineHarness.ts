import type { ModelOptions } from "../../scripts/gguf/generateModel.js";
import type { Phi3PresetName } from "../../scripts/gguf/phi3Model.js";
import type { EngineConfig } from "../../src/config/configSchema.js";
import { configSchema } from "../../src/config/configSchema.js";
import { EmbeddedEngine } from "../../src/engine/embedded/embeddedEngine.js";
import { type LlamaBackend, openLlamaBackend } from "../../src/engine/embedded/llamaBackend.js";
import type {
  GenerationEvent,
  GenerationRequest,
  GenerationResult,
} from "../../src/engine/generationTypes.js";
import { silentLogger } from "../../src/log/logger.js";
import { generatedModelPath } from "./tinyModel.js";

let backend: Promise<LlamaBackend> | undefined;

/** One CPU binding per test worker, as Guru itself opens one per process. */
export function sharedBackend(): Promise<LlamaBackend> {
  backend ??= openLlamaBackend("cpu", silentLogger);
  return backend;
}

export function engineConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  const defaults = configSchema.parse({}).engine;
  return { ...defaults, gpu: "cpu", threads: 1, contextSize: 1024, slots: 2, ...overrides };
}

export function openTinyEngine(overrides: Partial<EngineConfig> = {}): Promise<EmbeddedEngine> {
  return openGeneratedEngine("tiny", {}, overrides);
}

/** An engine on a generated model of another size, vocabulary or seed (not tuned to the tiny one). */
export async function openGeneratedEngine(
  preset: Phi3PresetName,
  modelOptions: ModelOptions,
  overrides: Partial<EngineConfig> = {},
): Promise<EmbeddedEngine> {
  return EmbeddedEngine.open({
    modelPath: await generatedModelPath(preset, modelOptions),
    config: engineConfig(overrides),
    logger: silentLogger,
    backend: await sharedBackend(),
  });
}

export function chat(question: string, owner = "user-1"): GenerationRequest {
  return {
    owner,
    turns: [
      { role: "system", text: "You are Guru." },
      { role: "user", text: question },
    ],
    maxTokens: 24,
    seed: 7,
  };
}

export interface Collected {
  readonly events: GenerationEvent[];
  readonly text: string;
  readonly error: unknown;
}

/** Reads a whole event stream, keeping what streamed before any failure. */
export async function collect(events: AsyncIterable<GenerationEvent>): Promise<Collected> {
  const seen: GenerationEvent[] = [];
  let text = "";
  try {
    for await (const event of events) {
      seen.push(event);
      if (event.type === "text") text += event.delta;
    }
    return { events: seen, text, error: undefined };
  } catch (error) {
    return { events: seen, text, error };
  }
}

/** The server a request started on (inference servers name it in their `started` event). */
export function startedOn(events: readonly GenerationEvent[]): string | undefined {
  const started = events.find((event) => event.type === "started");
  return started?.type === "started" ? started.server : undefined;
}

/** The finished answer, if the stream got that far. */
export function resultOf(events: readonly GenerationEvent[]): GenerationResult | undefined {
  const done = events.find((event) => event.type === "done");
  return done?.type === "done" ? done.result : undefined;
}
