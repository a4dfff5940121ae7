import { z } from "zod";

/** Phi-4-mini-instruct, Q4_K_M (≈2.5 GB). Any GGUF path or `hf:`/`https:` URI can replace it. */
export const defaultModelUri = "hf:unsloth/Phi-4-mini-instruct-GGUF/Phi-4-mini-instruct-Q4_K_M.gguf";

const positiveInt = z.int().min(1);

export const logLevels = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

const engineSchema = z.strictObject({
  /** "auto" takes the best GPU node-llama-cpp finds (CUDA, Vulkan, Metal) and falls back to CPU. */
  gpu: z.enum(["auto", "cuda", "vulkan", "metal", "cpu"]).default("auto"),
  /** Generations that run at once: context sequences in the one shared context. */
  slots: positiveInt.max(64).default(4),
  /** Tokens each slot can hold (prompt + answer). */
  contextSize: z.int().min(256).max(131_072).default(4096),
  /** CPU threads for evaluation; "auto" picks by backend and slots (see README). */
  threads: z.union([z.literal("auto"), positiveInt.max(512)]).default("auto"),
  maxWaiting: z.int().min(0).max(10_000).default(64),
  maxWaitingPerUser: positiveInt.max(1000).default(4),
  requestTimeoutMs: positiveInt.default(180_000),
  drainGraceMs: z.int().min(0).default(15_000),
  maxTokens: positiveInt.max(32_768).default(1024),
  temperature: z.number().min(0).max(2).default(0.7),
  topP: z.number().gt(0).max(1).default(0.9),
  topK: z.int().min(0).default(40),
});

export const configSchema = z.strictObject({
  /** A GGUF file path, or an `hf:` / `https:` URI fetched by `guru model pull`. */
  model: z.string().min(1).default(defaultModelUri),
  /** Where pulled models are stored. */
  modelsDir: z.string().min(1).default("models"),
  /** Where the database and caches live. */
  dataDir: z.string().min(1).default("data"),
  logLevel: z.enum(logLevels).default("info"),
  engine: engineSchema.prefault({}),
});

export type GuruConfig = z.infer<typeof configSchema>;
export type EngineConfig = GuruConfig["engine"];
