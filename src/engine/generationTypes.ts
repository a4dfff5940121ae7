export type ChatRole = "system" | "user" | "assistant";

export interface ChatTurn {
  readonly role: ChatRole;
  readonly text: string;
}

export interface GenerationRequest {
  /** Who asked: the queue is fair across owners. */
  readonly owner: string;
  /** The whole chat, system first; the model answers the last user turn. */
  readonly turns: readonly ChatTurn[];
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly seed?: number;
  /** Constrain the answer to this JSON schema (node-llama-cpp grammar); the text is then JSON. */
  readonly jsonSchema?: object;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Keep generating through end-of-text tokens until `maxTokens` (benchmarks only). */
  readonly ignoreEndOfText?: boolean;
  /** Prefer the slot that served this conversation last (its tokens may still be cached). */
  readonly conversation?: string;
}

export interface GenerationUsage {
  readonly promptTokens: number;
  /** Prompt tokens that were already in the slot's cache and were not evaluated again. */
  readonly cachedPromptTokens: number;
  readonly generatedTokens: number;
  /** Waiting for a free slot. */
  readonly queueMs: number;
  readonly timeToFirstTokenMs: number;
  /** From entering the queue to the last token: the time the engine had the request. */
  readonly totalMs: number;
  /** Decode speed after the first token. */
  readonly tokensPerSecond: number;
}

export const probabilityEngines = ["node-llama-cpp", "llama-server", "openai"] as const;
/**
 * "sampled": the chosen token's probability after temperature, top-k and top-p (node-llama-cpp,
 * llama-server with `post_sampling_probs`); "raw": the model's softmax before sampling (most
 * OpenAI-compatible servers); "none": the server gave no probabilities.
 */
export const probabilityKinds = ["sampled", "raw", "none"] as const;

/** Which engine produced an answer's token probabilities, and what they measure. */
export interface ProbabilitySource {
  readonly engine: (typeof probabilityEngines)[number];
  readonly kind: (typeof probabilityKinds)[number];
  /** The server that answered (absent for the embedded engine). */
  readonly server?: string;
}

export interface GenerationResult {
  readonly text: string;
  readonly usage: GenerationUsage;
  /** The probability the sampler gave each generated token, in order (empty when unknown). */
  readonly tokenConfidences: readonly number[];
  readonly probabilities: ProbabilitySource;
  readonly stopReason: "endOfText" | "maxTokens";
}

export type GenerationEvent =
  | { readonly type: "queued"; readonly position: number }
  | { readonly type: "started"; readonly slot: number; readonly server?: string }
  | { readonly type: "text"; readonly delta: string }
  | { readonly type: "done"; readonly result: GenerationResult };
