import { watchOtherCpuLoad } from "./otherCpuLoad.js";

/** What one request produced, whichever path ran it. */
export interface StreamFigures {
  readonly generatedTokens: number;
  /** From submitting the request to its first generated token (queue wait included). */
  readonly timeToFirstTokenMs: number;
  /** Prompt tokens actually evaluated (the rest came from the slot's cache). */
  readonly evaluatedPromptTokens: number;
}

export interface BatchFigures {
  readonly requests: number;
  readonly generatedTokens: number;
  /** First submit to last token. */
  readonly wallMs: number;
  /** generatedTokens / wallMs: prompt evaluation and every overhead count against it. */
  readonly tokensPerSecond: number;
  readonly meanTimeToFirstTokenMs: number;
  readonly evaluatedPromptTokens: readonly number[];
  /** Cores busy with other processes meanwhile (undefined off Linux): anything near 1 spoils the run. */
  readonly otherCpuLoad: number | undefined;
}

export type BatchMode = "concurrent" | "sequential";

/** Runs `requests` requests all at once or one after another, and times them as a whole. */
export async function measureBatch(
  requests: number,
  mode: BatchMode,
  runOne: (index: number) => Promise<StreamFigures>,
): Promise<BatchFigures> {
  const otherCpuLoad = watchOtherCpuLoad();
  const startedAt = performance.now();
  const streams: StreamFigures[] = [];
  if (mode === "concurrent") {
    streams.push(...(await Promise.all(Array.from({ length: requests }, (_, index) => runOne(index)))));
  } else {
    for (let index = 0; index < requests; index += 1) streams.push(await runOne(index));
  }
  const wallMs = performance.now() - startedAt;
  const generatedTokens = streams.reduce((sum, stream) => sum + stream.generatedTokens, 0);
  const meanTimeToFirstTokenMs =
    streams.reduce((sum, stream) => sum + stream.timeToFirstTokenMs, 0) / streams.length;
  return {
    requests,
    generatedTokens,
    wallMs,
    tokensPerSecond: (generatedTokens * 1000) / wallMs,
    meanTimeToFirstTokenMs,
    evaluatedPromptTokens: streams.map((stream) => stream.evaluatedPromptTokens),
    otherCpuLoad: otherCpuLoad(),
  };
}
