import { EventChannel } from "./eventChannel.js";
import type { GenerationEvent } from "./generationTypes.js";

/**
 * Runs one generation behind an event stream: `run` pushes events and its rejection ends the
 * stream with that error; a reader that stops early aborts `abandoned`.
 */
export function streamedRun(
  run: (channel: EventChannel<GenerationEvent>, abandoned: AbortSignal) => Promise<void>,
): AsyncIterable<GenerationEvent> {
  const abandoned = new AbortController();
  const channel = new EventChannel<GenerationEvent>(() => abandoned.abort());
  run(channel, abandoned.signal).then(
    () => channel.end(),
    (error: unknown) => channel.fail(error),
  );
  return channel;
}
