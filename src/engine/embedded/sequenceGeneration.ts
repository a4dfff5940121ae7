import type { LlamaContextSequence, LlamaGrammar, Token } from "node-llama-cpp";
import { LlamaGrammarEvaluationState } from "node-llama-cpp";
import { GuruError } from "../../errors.js";
import { abortReason } from "../abortReason.js";
import type { Sampling } from "../sampling.js";
import type { RenderedPrompt } from "./chatPrompt.js";
import type { GenerationPause } from "./generationPause.js";
import { TokenTextStream } from "./tokenTextStream.js";

export interface SequenceGeneration {
  readonly sequence: LlamaContextSequence;
  readonly prompt: RenderedPrompt;
  readonly maxTokens: number;
  readonly sampling: Sampling;
  readonly grammar?: LlamaGrammar;
  readonly ignoreEndOfText: boolean;
  readonly signal: AbortSignal;
  readonly onText: (delta: string) => void;
  /** Shared by every sequence of the context. */
  readonly pause: GenerationPause;
}

export interface SequenceOutcome {
  readonly text: string;
  readonly generatedTokens: number;
  readonly cachedPromptTokens: number;
  readonly tokenConfidences: readonly number[];
  readonly firstTokenAt: number | null;
  readonly stopReason: "endOfText" | "maxTokens";
}

/** Room left for the answer; a prompt that leaves less than this is refused. */
const minAnswerTokens = 16;

/**
 * Generates one answer on a context sequence. Only the part of the prompt that differs from what
 * the sequence already holds is evaluated, so a conversation's follow-up on the slot that served
 * it reuses the cached history; tokens are compared exactly, so nothing of another
 * conversation's state can leak in.
 */
export async function generateOnSequence(run: SequenceGeneration): Promise<SequenceOutcome> {
  const { sequence, prompt, signal } = run;
  const promptLength = prompt.tokens.length;
  if (promptLength + minAnswerTokens > sequence.contextSize) {
    throw new GuruError(
      "INPUT_TOO_LONG",
      `The conversation is too long for the model's context (${promptLength} of ${sequence.contextSize} tokens). Shorten the message or start a new thread.`,
    );
  }
  const cachedPromptTokens = await reuseCachedPrefix(sequence, prompt.tokens, run.pause);
  const maxTokens = Math.min(run.maxTokens, sequence.contextSize - promptLength);
  const model = sequence.model;
  const stream = new TokenTextStream(model);
  const confidences: number[] = [];
  const grammarStops = textTriggers(run.grammar);
  let text = "";
  let firstTokenAt: number | null = null;
  let stopReason: SequenceOutcome["stopReason"] = "endOfText";
  const emit = (delta: string) => {
    if (!delta) return;
    text += delta;
    run.onText(delta);
  };
  const tokens = sequence.evaluateWithMetadata(
    prompt.tokens.slice(cachedPromptTokens),
    { confidence: true },
    {
      temperature: run.sampling.temperature,
      topP: run.sampling.topP,
      topK: run.sampling.topK,
      ...(run.sampling.seed === undefined ? {} : { seed: run.sampling.seed }),
      ...(run.grammar
        ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar: run.grammar }) }
        : {}),
      yieldEogToken: run.ignoreEndOfText,
    },
  );
  for await (const { token, confidence } of tokens) {
    if (signal.aborted) break;
    firstTokenAt ??= performance.now();
    if (!run.ignoreEndOfText && isEndOfText(run, token)) break;
    confidences.push(confidence);
    emit(stream.push(token));
    // A JSON grammar allows whitespace after the document for ever; its trigger (blank lines) ends it.
    if (grammarStops.some((stop) => text.endsWith(stop))) break;
    if (confidences.length >= maxTokens) {
      stopReason = "maxTokens";
      break;
    }
    await run.pause.beforeNextToken();
  }
  emit(stream.finish());
  if (signal.aborted) throw abortReason(signal);
  return {
    text,
    generatedTokens: confidences.length,
    cachedPromptTokens,
    tokenConfidences: confidences,
    firstTokenAt,
    stopReason,
  };
}

/** The grammar's plain-text stop triggers (the JSON grammars end on four newlines). */
function textTriggers(grammar: LlamaGrammar | undefined): string[] {
  return (grammar?.stopGenerationTriggers ?? []).flatMap((trigger) => {
    const text = typeof trigger === "string" ? trigger : Array.isArray(trigger) ? "" : trigger.toString();
    return text ? [text] : [];
  });
}

function isEndOfText(run: SequenceGeneration, token: Token): boolean {
  return run.prompt.stopTokens.has(token) || run.sequence.model.isEogToken(token);
}

/** Keeps the longest cached prefix of the prompt (at least one token is always evaluated). */
async function reuseCachedPrefix(
  sequence: LlamaContextSequence,
  promptTokens: readonly Token[],
  pause: GenerationPause,
): Promise<number> {
  const { firstDifferentIndex } = sequence.compareContextTokens([...promptTokens]);
  const keep = Math.max(0, Math.min(firstDifferentIndex, promptTokens.length - 1));
  if (sequence.nextTokenIndex > keep) {
    await pause.whileErasing(() =>
      sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]),
    );
  }
  return keep;
}
