import { createInterface } from "node:readline/promises";
import type { GuruConfig } from "../config/configSchema.js";
import { isRemoteModel } from "../config/modelReference.js";
import type { Secrets } from "../config/secrets.js";
import { locateModel, missingModelError, pullModel } from "../engine/modelSource.js";

export interface ModelAvailabilityOptions {
  /** `--pull`: download without asking. */
  readonly pull: boolean;
  readonly interactive: boolean;
}

/**
 * The local path of the configured model. A missing remote model is fetched with `--pull`, or
 * after asking on a terminal (like `ollama run`); otherwise it is a coded error with the fix.
 */
export async function ensureModelFile(
  config: GuruConfig,
  secrets: Secrets,
  options: ModelAvailabilityOptions,
): Promise<string> {
  const location = await locateModel(config.model, config.modelsDir);
  if (location.path) return location.path;
  if (!isRemoteModel(config.model)) throw missingModelError(location);
  const consent = options.pull || (options.interactive && (await askToDownload(config.model)));
  if (!consent) throw missingModelError(location);
  return pullModel(config.model, {
    modelsDir: config.modelsDir,
    showProgress: process.stderr.isTTY === true,
    ...(secrets.huggingFaceToken ? { token: secrets.huggingFaceToken } : {}),
  });
}

async function askToDownload(model: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`The model ${model} is not downloaded yet. Download it now? [Y/n] `);
    return /^(y|yes|)$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}
