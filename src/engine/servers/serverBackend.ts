import type { ChatTurn, GenerationResult, ProbabilitySource } from "../generationTypes.js";
import type { Sampling } from "../sampling.js";

export type ServerKind = "llama-server" | "openai";

/** What one health check learned about a server. */
export type ServerHealth =
  | {
      readonly healthy: true;
      /** The model it serves, as the server names it. */
      readonly model: string;
      /** Requests it runs at once (llama-server: `/props` `total_slots`; else configured or 1). */
      readonly slots: number;
      /** Tokens one slot holds; 0 when the server does not say. */
      readonly contextSize: number;
    }
  | { readonly healthy: false; readonly reason: string };

/** Guru's sampling settings, the same as the embedded engine's. */
export type ServerSampling = Sampling;

/** One answer to compute on one server. */
export interface ServerGeneration {
  /** The whole chat, system first. User-side text must never become a control token. */
  readonly turns: readonly ChatTurn[];
  readonly maxTokens: number;
  readonly sampling: ServerSampling;
  /** Constrain the answer to this JSON schema (every object lists all its properties as required). */
  readonly jsonSchema?: object;
  /** Keep generating through end-of-text until `maxTokens` (benchmarks). */
  readonly ignoreEndOfText: boolean;
  /** Aborting it closes the HTTP stream, which frees the server's slot. */
  readonly signal: AbortSignal;
  /** Each piece of text as it streams (whole characters only). */
  readonly onText: (delta: string) => void;
}

export interface ServerOutcome {
  readonly text: string;
  readonly promptTokens: number;
  /** Prompt tokens the server reused from its cache, as it reports them. */
  readonly cachedPromptTokens: number;
  readonly generatedTokens: number;
  /** Per generated token, the probability it was chosen with; empty when the server gave none. */
  readonly tokenConfidences: readonly number[];
  readonly probabilities: ProbabilitySource;
  /** `performance.now()` when the first token arrived (null: none arrived). */
  readonly firstTokenAt: number | null;
  readonly stopReason: GenerationResult["stopReason"];
}

/**
 * Why a server request failed. `started` says whether any text had reached the caller (then the
 * answer cannot move to another server); `serverFault` whether the server itself is in trouble
 * (refused, dropped, 5xx, busy) rather than the request (400: too long, bad schema).
 */
export class ServerFailure extends Error {
  override readonly name = "ServerFailure";
  readonly started: boolean;
  readonly serverFault: boolean;
  /** Set when the server refused the request for a reason the asker can act on (context overflow). */
  readonly tooLong: boolean;

  constructor(
    message: string,
    options: { started: boolean; serverFault: boolean; tooLong?: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.started = options.started;
    this.serverFault = options.serverFault;
    this.tooLong = options.tooLong ?? false;
  }
}

/** One inference server, spoken to in its own protocol. Stateless between calls. */
export interface ServerBackend {
  readonly url: string;
  readonly kind: ServerKind;
  /** Checks the server (health, model, slots, context) within `signal`; never throws. */
  check(signal: AbortSignal): Promise<ServerHealth>;
  /** Streams one answer; throws `ServerFailure` (or the signal's abort reason when aborted). */
  generate(run: ServerGeneration): Promise<ServerOutcome>;
}
