import type { GuruError } from "../errors.js";
import type { GenerationEvent, GenerationRequest } from "./generationTypes.js";

/** Where answers are computed: this process's own model, or inference servers. */
export type EngineKind = "embedded" | "servers";

export interface BackendInfo {
  /** "cuda", "vulkan", "metal", "cpu", or "servers". */
  readonly kind: string;
  readonly deviceNames: readonly string[];
  readonly cpuMathCores: number;
}

/** One inference server as the engine sees it now. */
export interface ServerStats {
  readonly url: string;
  readonly kind: "llama-server" | "openai";
  /** In rotation: answering health checks and requests. */
  readonly healthy: boolean;
  /** Why it is out of rotation (absent when healthy). */
  readonly reason?: string;
  /** The model it serves, as the server names it. */
  readonly model: string;
  readonly slots: number;
  readonly busy: number;
  /** Tokens each slot can hold; 0 when the server does not say. */
  readonly contextSize: number;
  /** Mean decode speed of this server's last few answers (0 before the first). */
  readonly recentTokensPerSecond: number;
}

export interface EngineStats {
  readonly kind: EngineKind;
  readonly model: string;
  readonly backend: BackendInfo;
  /** CPU threads of the embedded engine (0 with servers). */
  readonly threads: number;
  /** Answers that can run at once (with servers: the healthy servers' slots together). */
  readonly slots: number;
  readonly busy: number;
  readonly waiting: number;
  readonly contextSize: number;
  /** Mean decode speed of the last few answers (0 before the first). */
  readonly recentTokensPerSecond: number;
  readonly completed: number;
  /** Each configured server (empty for the embedded engine). */
  readonly servers: readonly ServerStats[];
}

/**
 * What the service needs from whatever computes answers: one fair queue in front of a fixed set
 * of slots, streaming, cancel, timeout and drain. `embedded` and `servers` both implement it.
 */
export interface Engine {
  /** Streams queued → started → text… → done; a failure ends the stream with a `GuruError`. */
  generate(request: GenerationRequest): AsyncIterable<GenerationEvent>;
  /**
   * The refusal a request of `owner` would get if it came now (queue or the owner's share of it
   * full, shutting down, unavailable), or undefined. Cheap: a caller asks before any costly work.
   */
  refusal(owner: string): GuruError | undefined;
  /** Tokens `text` takes in a prompt (an estimate where the tokenizer is remote). */
  countTokens(text: string): number;
  /**
   * Where counting is costly, counts `texts` away from Guru's event loop, so that `countTokens`
   * then answers them at once (a thread of messages read with a question). Absent: no need.
   */
  countAhead?(texts: readonly string[]): Promise<void>;
  stats(): EngineStats;
  /**
   * Graceful stop: nothing new is admitted, waiting requests are refused, running generations
   * get `graceMs` to finish and are then cancelled. Resolves when every slot is free.
   */
  drain(graceMs?: number): Promise<void>;
  /** Drains, then frees the model or the connections. */
  close(): Promise<void>;
}
