import { createParser } from "eventsource-parser";
import { z } from "zod";
import type { ServerOutcome } from "../serverBackend.js";
import { ServerFailure } from "../serverBackend.js";
import { errorDetailOf, isContextOverflow } from "./serverRefusal.js";

/** One `chat.completion.chunk`, as much of it as Guru reads. */
const chunkShape = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        logprobs: z.object({ content: z.array(z.object({ logprob: z.number() })).nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z
    .object({
      prompt_tokens: z.int().min(0),
      completion_tokens: z.int().min(0),
      prompt_tokens_details: z.object({ cached_tokens: z.int().min(0).nullish() }).nullish(),
    })
    .nullish(),
  error: z.unknown().optional(),
});

type Counts = Pick<ServerOutcome, "promptTokens" | "cachedPromptTokens" | "generatedTokens">;

/**
 * Reads a streamed chat completion: text deltas (passed on whole characters only), the chosen
 * tokens' log-probabilities, the finish reason and the usage chunk, up to `data: [DONE]`. A stream
 * that ends without a finish reason, an `error` event or a chunk that is not one is a failure;
 * `started` says whether text had already reached `onText`.
 */
export async function readChatStream(
  server: string,
  body: ReadableStream<Uint8Array>,
  onText: (delta: string) => void,
): Promise<Omit<ServerOutcome, "probabilities">> {
  let text = "";
  let heldBack = "";
  let firstTokenAt: number | null = null;
  const tokenConfidences: number[] = [];
  let chunks = 0;
  let finishReason: string | null = null;
  let counts: Counts | null = null;
  let failure: ServerFailure | null = null;
  const fail = (message: string, tooLong = false) => {
    failure ??= new ServerFailure(`${server}: ${message}`, {
      started: text.length > 0,
      serverFault: !tooLong,
      tooLong,
    });
  };
  const emit = (delta: string) => {
    // A high surrogate at the end waits for its pair: deltas are whole characters.
    const joined = heldBack + delta;
    const cut = /[\uD800-\uDBFF]$/.test(joined) ? joined.length - 1 : joined.length;
    heldBack = joined.slice(cut);
    const whole = joined.slice(0, cut);
    if (!whole) return;
    firstTokenAt ??= performance.now();
    text += whole;
    onText(whole);
  };
  const parser = createParser({
    onEvent: (event) => {
      if (failure || event.data === "[DONE]") return;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        return fail("sent an event that is not JSON");
      }
      const chunk = chunkShape.safeParse(json);
      if (!chunk.success) return fail("sent an event that is not a chat.completion.chunk");
      if (chunk.data.error !== undefined) {
        const detail = errorDetailOf(JSON.stringify(json));
        return fail(
          `failed while answering: ${detail.message ?? "unknown error"}`,
          isContextOverflow(detail),
        );
      }
      for (const choice of chunk.data.choices ?? []) {
        chunks += 1;
        for (const token of choice.logprobs?.content ?? []) tokenConfidences.push(Math.exp(token.logprob));
        if (choice.delta?.content) emit(choice.delta.content);
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      const usage = chunk.data.usage;
      if (usage) {
        counts = {
          promptTokens: usage.prompt_tokens,
          cachedPromptTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
          generatedTokens: usage.completion_tokens,
        };
      }
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const bytes of body) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      if (failure) break;
    }
  } catch (cause) {
    fail(`the stream broke off: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (failure) throw failure;
  if (finishReason === null) {
    fail("the stream ended before the answer did");
    throw failure;
  }
  if (heldBack) {
    heldBack = "";
    emit("\uFFFD");
  }
  return {
    text,
    ...(counts ?? {
      promptTokens: 0,
      cachedPromptTokens: 0,
      generatedTokens: tokenConfidences.length > 0 ? tokenConfidences.length : chunks,
    }),
    tokenConfidences,
    firstTokenAt,
    stopReason: finishReason === "length" ? "maxTokens" : "endOfText",
  };
}
