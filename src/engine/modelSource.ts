import { existsSync, statSync } from "node:fs";
import { resolveModelFile } from "node-llama-cpp";
import { isRemoteModel } from "../config/modelReference.js";
import { GuruError } from "../errors.js";

export interface ModelLocation {
  readonly reference: string;
  /** The local file, or `null` when a remote model has not been pulled yet. */
  readonly path: string | null;
}

/** Finds the local file for a configured model without downloading anything. */
export async function locateModel(model: string, modelsDir: string): Promise<ModelLocation> {
  if (!isRemoteModel(model)) {
    return { reference: model, path: existsSync(model) ? model : null };
  }
  try {
    const path = await resolveModelFile(model, { directory: modelsDir, download: false, cli: false });
    return { reference: model, path: existsSync(path) ? path : null };
  } catch {
    return { reference: model, path: null };
  }
}

export function missingModelError(location: ModelLocation): GuruError {
  const fix = isRemoteModel(location.reference)
    ? "Run `guru model pull` to download it (or `guru start --pull`)."
    : "Check the path, or set GURU_MODEL to a GGUF file or an hf: URI and run `guru model pull`.";
  return new GuruError("MODEL_NOT_FOUND", `The model ${location.reference} is not on this machine. ${fix}`);
}

export interface PullProgress {
  readonly downloadedBytes: number;
  readonly totalBytes: number;
}

export interface PullOptions {
  readonly modelsDir: string;
  readonly token?: string;
  /** Draws node-llama-cpp's own progress bar on the terminal. */
  readonly showProgress: boolean;
  readonly onProgress?: (progress: PullProgress) => void;
  readonly signal?: AbortSignal;
}

/** Downloads (resumably) a remote model into the models folder and returns its local path. */
export async function pullModel(model: string, options: PullOptions): Promise<string> {
  if (!isRemoteModel(model)) {
    if (existsSync(model) && statSync(model).isFile()) return model;
    throw new GuruError(
      "MODEL_NOT_FOUND",
      `${model} is a local path that does not exist; only hf: and https: models can be pulled.`,
    );
  }
  try {
    return await resolveModelFile(model, {
      directory: options.modelsDir,
      download: "auto",
      cli: options.showProgress,
      ...(options.token ? { tokens: { huggingFace: options.token } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: ({ downloadedSize, totalSize }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (cause) {
    throw new GuruError(
      "MODEL_DOWNLOAD_FAILED",
      `Downloading ${model} failed: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        "Check the network and the URI, then run `guru model pull` again (it resumes).",
      { cause },
    );
  }
}
