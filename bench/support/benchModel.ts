import { fileURLToPath } from "node:url";
import { ensureModel, type ModelOptions } from "../../scripts/gguf/generateModel.js";
import type { Phi3PresetName } from "../../scripts/gguf/phi3Model.js";

const cacheDir = fileURLToPath(new URL("../.cache/models/", import.meta.url));

/** A generated phi3 GGUF in bench/.cache/models (gitignored), written on first use. */
export function benchModelPath(preset: Phi3PresetName, options: ModelOptions = {}): Promise<string> {
  return ensureModel(preset, cacheDir, options);
}
