import type { ServerBackend, ServerGeneration, ServerHealth, ServerOutcome } from "../serverBackend.js";
import { ServerFailure } from "../serverBackend.js";
import { chatRequestBody } from "./chatRequest.js";
import { readChatStream } from "./chatStream.js";
import { healthFromModelList } from "./modelList.js";
import { refusalFailure } from "./serverRefusal.js";

export interface OpenAiServerOptions {
  /** Base URL (`http://gpu1:8000`; a trailing `/v1` is accepted). */
  readonly url: string;
  /** Requests it runs at once. These servers do not say: default 1 (set it to vLLM's `--max-num-seqs`, Ollama's `OLLAMA_NUM_PARALLEL`). */
  readonly slots?: number;
  /** The model to ask for; default: the first `/v1/models` lists. */
  readonly model?: string;
  /** Sent as `Authorization: Bearer …` (never logged). */
  readonly apiKey?: string;
}

/**
 * Any OpenAI-compatible server (vLLM, Ollama ≥ 0.12.11, LM Studio, llama.cpp's own `/v1`):
 * health from `GET /v1/models`, answers from streamed `POST /v1/chat/completions`. Token
 * confidences are `exp(logprob)` of each chosen token, as the server computes them: vLLM by
 * default and Ollama give the raw softmax before temperature/top-k/top-p (kind "raw"; vLLM's
 * `--logprobs-mode processed_logprobs` gives post-sampling numbers instead); a server that sends
 * no logprobs gives kind "none" and no confidences.
 */
export class OpenAiServerBackend implements ServerBackend {
  readonly kind = "openai" as const;
  readonly url: string;
  private readonly api: string;
  private readonly slots: number;
  /** The model the last healthy check found, when none is configured. */
  private servedModel: string | undefined;

  constructor(private readonly options: OpenAiServerOptions) {
    this.url = options.url;
    this.api = `${options.url.replace(/\/+$/, "").replace(/\/v1$/, "")}/v1`;
    this.slots = options.slots ?? 1;
  }

  async check(signal: AbortSignal): Promise<ServerHealth> {
    let response: Response;
    try {
      response = await fetch(`${this.api}/models`, { headers: this.headers(), signal });
    } catch (cause) {
      if (signal.aborted) return { healthy: false, reason: "it did not answer /v1/models in time" };
      return { healthy: false, reason: `unreachable (${causeText(cause)})` };
    }
    let json: unknown;
    try {
      if (!response.ok) return { healthy: false, reason: `/v1/models answered HTTP ${response.status}` };
      json = await response.json();
    } catch {
      return { healthy: false, reason: "its /v1/models answer is not JSON" };
    } finally {
      if (!response.bodyUsed) await response.body?.cancel();
    }
    const health = healthFromModelList(json, this.options.model, this.slots);
    if (health.healthy) this.servedModel = health.model;
    return health;
  }

  async generate(run: ServerGeneration): Promise<ServerOutcome> {
    const model = await this.modelFor(run.signal);
    let response: Response;
    try {
      response = await fetch(`${this.api}/chat/completions`, {
        method: "POST",
        headers: { ...this.headers(), "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(chatRequestBody(run, model)),
        signal: run.signal,
      });
    } catch (cause) {
      run.signal.throwIfAborted();
      throw new ServerFailure(`${this.label} is unreachable (${causeText(cause)})`, {
        started: false,
        serverFault: true,
        cause,
      });
    }
    if (!response.ok || !response.body) {
      const body = await response.text().catch(() => "");
      run.signal.throwIfAborted();
      throw refusalFailure(this.label, response.status, body, response.headers.get("retry-after"));
    }
    try {
      const outcome = await readChatStream(this.label, response.body, run.onText);
      const kind = outcome.tokenConfidences.length > 0 ? "raw" : "none";
      return { ...outcome, probabilities: { engine: "openai", kind, server: this.label } };
    } catch (failure) {
      run.signal.throwIfAborted();
      throw failure;
    }
  }

  /** The URL as shown in messages and recorded with an answer: never with credentials or a query in it. */
  private get label(): string {
    try {
      const url = new URL(this.url);
      url.username = "";
      url.password = "";
      url.search = "";
      return url.href.replace(/\/$/, "");
    } catch {
      return this.url;
    }
  }

  private async modelFor(signal: AbortSignal): Promise<string> {
    const known = this.options.model ?? this.servedModel;
    if (known !== undefined) return known;
    const health = await this.check(signal);
    signal.throwIfAborted();
    if (health.healthy) return health.model;
    throw new ServerFailure(`${this.label}: ${health.reason}`, { started: false, serverFault: true });
  }

  private headers(): Record<string, string> {
    return this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {};
  }
}

function causeText(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  return inner instanceof Error ? inner.message : String(inner);
}
