import { resolve } from "node:path";
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import type { EngineConfig } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";
import type { BackendInfo } from "../engine.js";
import { LlamaLog } from "./llamaLog.js";
import { linkNativeBuild, nativeCmakeOptions } from "./nativeBuild.js";
import { calibrateThreads, type ThreadCalibration, threadCandidates } from "./threadCalibration.js";
import { ThreadChoiceCache } from "./threadChoiceCache.js";

export interface LlamaBackend {
  readonly llama: Llama;
  readonly info: BackendInfo;
  readonly log: LlamaLog;
  /** Which llama.cpp binary runs: "prebuilt" or "native" (`npm run engine:native`). */
  readonly binary: "prebuilt" | "native";
}

/**
 * Loads llama.cpp's bindings for the configured GPU choice ("auto": best found, else CPU). On CPU
 * the native build (`npm run engine:native`) runs when this machine has one, else the prebuilt
 * binary; a GPU always runs node-llama-cpp's prebuilt GPU binary.
 */
export async function openLlamaBackend(gpu: EngineConfig["gpu"], logger: Logger): Promise<LlamaBackend> {
  const log = new LlamaLog(logger);
  const native = await linkNativeBuild();
  if (native.kind === "unlinkable") {
    logger.warn(`the native llama.cpp build in ${native.folder} cannot be used: ${native.reason}`);
  }
  const llama = await getLlama({
    gpu: gpu === "cpu" ? false : gpu,
    build: "never",
    logLevel: LlamaLogLevel.warn,
    logger: log.record,
    progressLogs: false,
    ...(native.kind === "ready" ? { cmakeOptions: { ...nativeCmakeOptions } } : {}),
  });
  const kind = llama.gpu === false ? "cpu" : llama.gpu;
  const binary = llama.buildType === "localBuild" ? "native" : "prebuilt";
  const deviceNames = llama.gpu === false ? [] : await llama.getGpuDeviceNames();
  const info: BackendInfo = { kind, deviceNames, cpuMathCores: llama.cpuMathCores };
  logger.info(
    `backend: ${kind}${deviceNames.length > 0 ? ` (${deviceNames.join(", ")})` : ""}, ${binary} binary`,
    {
      requested: gpu,
      cpuMathCores: llama.cpuMathCores,
      ...(binary === "prebuilt" && kind === "cpu"
        ? { faster: "npm run engine:native builds llama.cpp for this CPU" }
        : {}),
    },
  );
  return { llama, info, log, binary };
}

export interface ThreadChoiceOptions {
  /** The loaded model, measured at each candidate thread count when the choice is "auto". */
  readonly model: LlamaModel;
  readonly modelPath: string;
  /** Where measured choices are kept (Guru's data folder); measured once per process without it. */
  readonly cacheFolder?: string;
  readonly logger: Logger;
}

const measuredThisProcess = new Map<string, Promise<ThreadCalibration>>();

/**
 * CPU threads for evaluation. "auto" on a CPU backend measures: each candidate count up to the
 * math cores decodes a few tokens on `slots` sequences at once, and the fastest wins. A fixed
 * rule was wrong somewhere: on one 2-core machine one stream ran fastest on 1 thread of the
 * prebuilt binary (41 vs 37 tok/s), on another on 2 (26 vs 20), and the native build wants 2
 * (35 vs 19). The choice is kept per model, binary, CPU and slot count, so it is measured once
 * per machine. On a GPU the CPU threads matter little: at most 4.
 */
export async function chooseThreads(
  configured: EngineConfig["threads"],
  backend: LlamaBackend,
  slots: number,
  options: ThreadChoiceOptions,
): Promise<number> {
  if (configured !== "auto") return configured;
  const cores = Math.max(1, backend.info.cpuMathCores);
  if (backend.info.kind !== "cpu") return Math.min(cores, 4);
  const subject = {
    modelPath: resolve(options.modelPath),
    binary: backend.binary,
    cpuMathCores: cores,
    sequences: slots,
  };
  const cache = options.cacheFolder === undefined ? undefined : new ThreadChoiceCache(options.cacheFolder);
  const cached = await cache?.get(subject);
  if (cached) return cached.threads;
  const key = JSON.stringify(subject);
  let measuring = measuredThisProcess.get(key);
  if (!measuring) {
    const candidates = threadCandidates(cores);
    options.logger.info(`measuring the fastest thread count for ${slots} slot(s): ${candidates.join(", ")}`);
    measuring = calibrateThreads(options.model, slots, candidates);
    measuredThisProcess.set(key, measuring);
    measuring.catch(() => measuredThisProcess.delete(key));
  }
  const calibration = await measuring;
  options.logger.info(`threads: ${calibration.threads} (measured)`, {
    slots,
    trials: calibration.trials.map((trial) => `${trial.threads}: ${trial.tokensPerSecond.toFixed(1)} tok/s`),
  });
  await cache?.set(subject, calibration).catch((error: unknown) => {
    options.logger.warn(`the measured thread choice could not be kept: ${String(error)}`);
  });
  return calibration.threads;
}
