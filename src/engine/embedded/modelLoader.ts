import { setTimeout as sleep } from "node:timers/promises";
import type { LlamaModel } from "node-llama-cpp";
import { GuruError } from "../../errors.js";
import type { LlamaBackend } from "./llamaBackend.js";

/**
 * llama.cpp writes the cause of a failed load to its log just after `loadModel` rejects
 * (seen within 100 ms); wait this long before reading it.
 */
const logSettleMs = 150;

export interface LoadModelOptions {
  readonly gpuLayers?: "auto" | number;
  readonly signal?: AbortSignal;
  /** The vocabulary and metadata only, no weights: a tokenizer. */
  readonly vocabOnly?: boolean;
}

/** Loads a GGUF file, turning every failure into a coded error that says what to do. */
export async function loadModelFile(
  backend: LlamaBackend,
  path: string,
  options: LoadModelOptions = {},
): Promise<LlamaModel> {
  const mark = backend.log.mark();
  try {
    return await backend.llama.loadModel({
      modelPath: path,
      gpuLayers: options.gpuLayers ?? "auto",
      ...(options.signal ? { loadSignal: options.signal } : {}),
      ...(options.vocabOnly ? { vocabOnly: true } : {}),
    });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === "ENOENT") {
      throw new GuruError(
        "MODEL_NOT_FOUND",
        `The model file ${path} does not exist. Run \`guru model pull\`, or set GURU_MODEL to a GGUF file.`,
        { cause },
      );
    }
    if (code === "EISDIR") {
      throw new GuruError("MODEL_INVALID", `${path} is a folder, not a GGUF model file.`, { cause });
    }
    await sleep(logSettleMs);
    const reason = describeLoadFailure(cause, backend.log.problemsSince(mark));
    throw new GuruError(
      "MODEL_INVALID",
      `The model file ${path} could not be loaded: ${reason}. ` +
        "The file may be incomplete or not a supported GGUF model: download it again with `guru model pull`.",
      { cause },
    );
  }
}

function describeLoadFailure(cause: unknown, problems: readonly string[]): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/Invalid GGUF magic/.test(message)) return "it is not a GGUF file";
  const telling = problems.filter((line) => !/^(llama_model_load_from_file|common_init)/.test(line));
  const detail = telling.at(-1) ?? problems.at(-1);
  return detail ? `${message} (${detail.replace(/^[a-z_]+:\s*/, "")})` : message;
}
