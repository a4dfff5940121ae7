import { EventSourceParserStream } from "eventsource-parser/stream";
import { abortReason } from "../../abortReason.js";
import { ServerFailure, type ServerGeneration } from "../serverBackend.js";
import { completionEventSchema } from "./completionEvents.js";
import {
  describeCause,
  errorDetails,
  readErrorBody,
  type ServerAddress,
  sendToServer,
  statusFailure,
} from "./serverRequest.js";

/** What one `/completion` stream delivered, as the server counted it. */
export interface CompletionResult {
  readonly text: string;
  readonly tokenConfidences: readonly number[];
  readonly firstTokenAt: number | null;
  readonly stopType: string;
  readonly promptTokens: number | undefined;
  readonly cachedPromptTokens: number;
  readonly generatedTokens: number;
}

/**
 * Streams one `POST /completion` (server-sent events, no `[DONE]`: the event with `stop: true`
 * ends it). An error event, an error status or a stream that ends early throws `ServerFailure`;
 * aborting `run.signal` closes the connection, which frees the server's slot.
 */
export async function streamCompletion(
  server: ServerAddress,
  body: object,
  run: ServerGeneration,
): Promise<CompletionResult> {
  const endpoint = `${server.url}/completion`;
  const { signal } = run;
  const response = await sendToServer(server, "/completion", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) throw statusFailure(endpoint, await readErrorBody(response), false);

  let text = "";
  const tokenConfidences: number[] = [];
  let firstTokenAt: number | null = null;
  const failure = (message: string, cause?: unknown) =>
    new ServerFailure(`${endpoint}: ${message}`, { started: text.length > 0, serverFault: true, cause });

  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  try {
    for await (const message of events) {
      const parsed = completionEventSchema.safeParse(safeJson(message.data));
      if (!parsed.success) throw failure(`an event in an unknown shape: ${message.data.slice(0, 200)}`);
      const event = parsed.data;
      if ("error" in event) {
        const details = errorDetails(JSON.stringify(event));
        throw failure(`the server stopped the answer: ${details.message}`);
      }
      if (event.tokens.length > 0) firstTokenAt ??= performance.now();
      for (const probability of event.completion_probabilities ?? []) tokenConfidences.push(probability.prob);
      if (event.content) {
        text += event.content;
        run.onText(event.content);
      }
      if (event.stop) {
        return {
          text,
          tokenConfidences,
          firstTokenAt,
          stopType: event.stop_type ?? "eos",
          promptTokens: event.tokens_evaluated,
          cachedPromptTokens: event.timings?.cache_n ?? 0,
          generatedTokens: event.timings?.predicted_n ?? tokenConfidences.length,
        };
      }
    }
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    if (error instanceof ServerFailure) throw error;
    throw failure(`the stream broke: ${describeCause(error)}`, error);
  }
  if (signal.aborted) throw abortReason(signal);
  throw failure("the stream ended before the answer did");
}

function safeJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
