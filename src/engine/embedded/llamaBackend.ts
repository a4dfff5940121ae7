import { getLlama, type Llama, LlamaLogLevel } from "node-llama-cpp";
import type { EngineConfig } from "../../config/configSchema.js";
import type { Logger } from "../../log/logger.js";
import type { BackendInfo } from "../engine.js";
import { LlamaLog } from "./llamaLog.js";

export interface LlamaBackend {
  readonly llama: Llama;
  readonly info: BackendInfo;
  readonly log: LlamaLog;
}

/** Loads llama.cpp's bindings for the configured GPU choice ("auto": best found, else CPU). */
export async function openLlamaBackend(gpu: EngineConfig["gpu"], logger: Logger): Promise<LlamaBackend> {
  const log = new LlamaLog(logger);
  const llama = await getLlama({
    gpu: gpu === "cpu" ? false : gpu,
    build: "never",
    logLevel: LlamaLogLevel.warn,
    logger: log.record,
    progressLogs: false,
  });
  const kind = llama.gpu === false ? "cpu" : llama.gpu;
  const deviceNames = llama.gpu === false ? [] : await llama.getGpuDeviceNames();
  const info: BackendInfo = { kind, deviceNames, cpuMathCores: llama.cpuMathCores };
  logger.info(`backend: ${kind}${deviceNames.length > 0 ? ` (${deviceNames.join(", ")})` : ""}`, {
    requested: gpu,
    cpuMathCores: llama.cpuMathCores,
  });
  return { llama, info, log };
}

/**
 * Never more threads than math cores: measured on 2 cores, oversubscribing decodes hundreds of
 * times slower. A single slot leaves one core to the rest of the process (1 thread was fastest
 * for one stream there); several slots batch their tokens and use every core (2 threads were
 * fastest for 4 streams). On a GPU the CPU threads matter little.
 */
export function chooseThreads(
  configured: EngineConfig["threads"],
  backend: BackendInfo,
  slots: number,
): number {
  if (configured !== "auto") return configured;
  const cores = Math.max(1, backend.cpuMathCores);
  if (backend.kind !== "cpu") return Math.min(cores, 4);
  return slots > 1 ? cores : Math.max(1, cores - 1);
}
