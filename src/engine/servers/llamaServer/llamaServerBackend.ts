import type { ProbabilitySource } from "../../generationTypes.js";
import {
  type ServerBackend,
  ServerFailure,
  type ServerGeneration,
  type ServerHealth,
  type ServerOutcome,
} from "../serverBackend.js";
import { completionBody } from "./completionBody.js";
import { streamCompletion } from "./completionStream.js";
import { llamaServerPropsSchema } from "./llamaServerProps.js";
import { ServedModel } from "./servedModel.js";
import { exchangeJson, type ServerAddress } from "./serverRequest.js";

export interface LlamaServerOptions {
  /** Base URL, e.g. `http://gpu1:8080`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …` (llama-server's `--api-key`); never logged. */
  readonly apiKey?: string;
}

/** Room left for the answer; a prompt that leaves less is refused (as the embedded engine does). */
const minAnswerTokens = 16;

/**
 * llama.cpp's llama-server spoken to natively: Guru renders the prompt with the model's own chat
 * template, sends it as token ids to `/completion`, and reads the sampled tokens' probabilities.
 */
export class LlamaServerBackend implements ServerBackend {
  readonly kind = "llama-server" as const;
  readonly url: string;
  private readonly server: ServerAddress;
  private model: ServedModel | undefined;

  constructor(options: LlamaServerOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.server = {
      url: this.url,
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    };
  }

  async check(signal: AbortSignal): Promise<ServerHealth> {
    try {
      await exchangeJson(this.server, "/health", undefined, signal);
      const model = await this.servedModel(signal);
      return { healthy: true, model: model.name, slots: model.slots, contextSize: model.contextSize };
    } catch (error) {
      if (signal.aborted) return { healthy: false, reason: "it did not answer /health and /props in time" };
      return { healthy: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async generate(run: ServerGeneration): Promise<ServerOutcome> {
    const model = this.model ?? (await this.servedModel(run.signal));
    const prompt = await model.tokens.of(model.render(run.turns), run.signal);
    const room = model.contextSize > 0 ? model.contextSize - prompt.length : Number.POSITIVE_INFINITY;
    if (room < minAnswerTokens) {
      throw new ServerFailure(
        `The conversation is too long for the model's context (${prompt.length} of ${model.contextSize} tokens). Shorten the message or start a new thread.`,
        { started: false, serverFault: false, tooLong: true },
      );
    }
    const maxTokens = Math.min(run.maxTokens, room);
    const result = await streamCompletion(this.server, completionBody(run, prompt, maxTokens), run);
    const probabilities: ProbabilitySource = {
      engine: "llama-server",
      kind: result.tokenConfidences.length > 0 ? "sampled" : "none",
      server: this.url,
    };
    return {
      text: result.text,
      promptTokens: result.promptTokens ?? prompt.length,
      cachedPromptTokens: result.cachedPromptTokens,
      generatedTokens: result.generatedTokens,
      tokenConfidences: result.tokenConfidences,
      probabilities,
      firstTokenAt: result.firstTokenAt,
      stopReason: result.stopType === "limit" ? "maxTokens" : "endOfText",
    };
  }

  /** Reads `/props`; keeps the known model (and its cached token ids) while nothing changed. */
  private async servedModel(signal: AbortSignal): Promise<ServedModel> {
    const parsed = llamaServerPropsSchema.safeParse(
      await exchangeJson(this.server, "/props", undefined, signal),
    );
    if (!parsed.success) {
      throw new ServerFailure(`${this.url}/props is not llama-server's: ${parsed.error.message}`, {
        started: false,
        serverFault: true,
      });
    }
    if (this.model?.sameAs(parsed.data)) return this.model;
    try {
      this.model = new ServedModel(this.server, parsed.data);
    } catch (error) {
      throw new ServerFailure(`${this.url} serves a chat template Guru cannot render: ${String(error)}`, {
        started: false,
        serverFault: true,
        cause: error,
      });
    }
    return this.model;
  }
}
