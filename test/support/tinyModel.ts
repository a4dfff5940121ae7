import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureModel, type ModelOptions } from "../../scripts/gguf/generateModel.js";
import { gguf, writeGguf } from "../../scripts/gguf/ggufWriter.js";
import type { Phi3PresetName } from "../../scripts/gguf/phi3Model.js";
import { randomSource } from "../../scripts/gguf/randomSource.js";
import { randomTensorData } from "../../scripts/gguf/tensorData.js";

const CACHE_DIR = fileURLToPath(new URL("../.cache/models/", import.meta.url));

/** A generated phi3 model (seeded, so the same bytes every run), cached under test/.cache/models. */
export function generatedModelPath(preset: Phi3PresetName, options: ModelOptions = {}): Promise<string> {
  return ensureModel(preset, CACHE_DIR, options);
}

/** The tiny phi3 model (≈0.4 MB). */
export function tinyModelPath(): Promise<string> {
  return generatedModelPath("tiny");
}

export interface BadModelFiles {
  /** The temp dir holding them all; remove it when done. */
  dir: string;
  empty: string;
  randomBytes: string;
  /** The tiny model cut in half: its header is intact, its tensor data is not. */
  truncated: string;
  /** A well-formed GGUF whose general.architecture llama.cpp does not know. */
  unknownArchitecture: string;
}

/** Writes model files that must fail to load, each in its own way, into a fresh temp dir. */
export async function writeBadModelFiles(): Promise<BadModelFiles> {
  const dir = await mkdtemp(join(tmpdir(), "guru-bad-models-"));
  const files: BadModelFiles = {
    dir,
    empty: join(dir, "empty.gguf"),
    randomBytes: join(dir, "random-bytes.gguf"),
    truncated: join(dir, "truncated.gguf"),
    unknownArchitecture: join(dir, "unknown-architecture.gguf"),
  };
  const tiny = await readFile(await tinyModelPath());
  await writeFile(files.empty, new Uint8Array());
  await writeFile(files.randomBytes, randomBytes(64 * 1024));
  await writeFile(files.truncated, tiny.subarray(0, Math.floor(tiny.length / 2)));
  await writeGguf(files.unknownArchitecture, {
    metadata: {
      "general.architecture": gguf.string("guru-unknown"),
      "general.name": gguf.string("Unknown Architecture"),
    },
    tensors: [
      {
        name: "token_embd.weight",
        type: "F32",
        shape: [64, 256],
        data: randomTensorData("F32", [64, 256], randomSource(1)),
      },
    ],
  });
  return files;
}
