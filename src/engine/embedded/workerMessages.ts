import type { EngineConfig } from "../../config/configSchema.js";
import type { ErrorCode } from "../../errors.js";
import type { BackendInfo } from "../engine.js";
import type { ChatTurn } from "../generationTypes.js";
import type { Sampling } from "../sampling.js";
import type { SequenceOutcome } from "./sequenceGeneration.js";

/**
 * What Guru and the engine's process tell each other. Both sides are this module's own code
 * (structured clone over the IPC channel of a process Guru started, no outside input), so the
 * messages are typed here and not parsed again.
 */

/** What the engine's process opens: its first message. */
export interface WorkerSetup {
  readonly modelPath: string;
  readonly config: EngineConfig;
  /** Where measured thread choices are kept (Guru's data folder). */
  readonly cacheFolder?: string | undefined;
}

/** One generation on one slot; the main thread has already leased the slot. */
export interface GenerateJob {
  readonly id: number;
  readonly slot: number;
  readonly turns: readonly ChatTurn[];
  readonly maxTokens: number;
  readonly sampling: Sampling;
  readonly jsonSchema?: object;
  readonly ignoreEndOfText: boolean;
}

/** A coded error crossing the process boundary (GuruError's class does not survive cloning). */
export interface WorkerFailure {
  readonly code?: ErrorCode;
  readonly message: string;
}

export type ToWorker =
  | { readonly type: "open"; readonly setup: WorkerSetup }
  | ({ readonly type: "generate" } & GenerateJob)
  | { readonly type: "cancel"; readonly id: number; readonly reason: WorkerFailure }
  | { readonly type: "count"; readonly id: number; readonly texts: readonly string[] }
  | { readonly type: "close" };

export interface WorkerReady {
  readonly backend: BackendInfo;
  readonly threads: number;
  readonly modelName: string;
  readonly chatWrapperName: string;
}

/** A finished generation; times are epoch milliseconds (each process has its own `performance` origin). */
export interface WorkerOutcome extends Omit<SequenceOutcome, "firstTokenAt"> {
  readonly promptTokens: number;
  readonly firstTokenAtEpoch: number | null;
  readonly endedAtEpoch: number;
}

export type FromWorker =
  | ({ readonly type: "ready" } & WorkerReady)
  | { readonly type: "openFailed"; readonly error: WorkerFailure }
  | { readonly type: "text"; readonly id: number; readonly delta: string }
  | { readonly type: "done"; readonly id: number; readonly outcome: WorkerOutcome }
  | { readonly type: "failed"; readonly id: number; readonly error: WorkerFailure }
  | { readonly type: "counted"; readonly id: number; readonly counts: readonly number[] }
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly message: string;
      readonly fields?: Record<string, unknown>;
    }
  | { readonly type: "closed" };

/** Epoch milliseconds now, comparable across processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
