import type { Command } from "commander";
import { isRemoteModel } from "../../config/modelReference.js";
import { locateModel, pullModel } from "../../engine/modelSource.js";
import { writeStatus } from "../redactedOutput.js";
import { type CommonFlags, createRuntime } from "../runtime.js";

interface PullFlags {
  readonly config?: string;
  readonly model?: string;
}

export function registerModel(program: Command): void {
  const model = program.command("model").description("Manage the local model file");
  model
    .command("pull")
    .description("Download the configured model (resumable, with progress) into the models folder")
    .argument("[uri]", "an hf: or https: URI; defaults to the configured model (GURU_MODEL)")
    .option("-m, --model <uri>", "same as the argument")
    .action(async (uri: string | undefined, flags: PullFlags) => {
      const runtime = createRuntime({ ...flags, model: uri ?? flags.model });
      const { config } = runtime;
      const existing = await locateModel(config.model, config.modelsDir);
      if (existing.path) {
        process.stdout.write(`The model is already here: ${existing.path}\n`);
        return;
      }
      if (isRemoteModel(config.model)) writeStatus(`Downloading ${config.model} into ${config.modelsDir}\n`);
      const path = await pullModel(config.model, {
        modelsDir: config.modelsDir,
        showProgress: process.stderr.isTTY === true,
        ...(runtime.secrets.huggingFaceToken ? { token: runtime.secrets.huggingFaceToken } : {}),
        onProgress: process.stderr.isTTY ? undefined : progressLine(),
      });
      process.stdout.write(`Model ready: ${path}\n`);
    });
  model
    .command("path")
    .description("Print where the configured model is (or would be) on this machine")
    .action(async (flags: CommonFlags) => {
      const { config } = createRuntime(flags);
      const location = await locateModel(config.model, config.modelsDir);
      process.stdout.write(
        `${location.path ?? `${config.model} (not downloaded: run \`guru model pull\`)`}\n`,
      );
    });
}

/** Without a terminal, a progress line every 10 % so logs show the download moving. */
function progressLine(): (progress: { downloadedBytes: number; totalBytes: number }) => void {
  let lastTenth = -1;
  return ({ downloadedBytes, totalBytes }) => {
    if (totalBytes <= 0) return;
    const tenth = Math.floor((downloadedBytes / totalBytes) * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    process.stderr.write(`downloaded ${tenth * 10}% of ${(totalBytes / 1e6).toFixed(1)} MB\n`);
  };
}
