import type { StoredMessage, Summarize } from "../memory/memory.js";
import type { AnswerEngine } from "./conversationService.js";
import { summaryInstruction } from "./promptAssembly.js";
import { perTurnOverhead, promptMargin } from "./promptBudget.js";
import { documentBlock, speakerLabel } from "./quotedContent.js";

/** The longest rolling summary, in tokens. */
const summaryTokens = 200;

/** The tokens a summarizer call's prompt (earlier summary and transcript) may take in its context. */
function promptRoom(engine: AnswerEngine): number {
  return (
    engine.stats().contextSize -
    engine.countTokens(summaryInstruction) -
    2 * perTurnOverhead -
    summaryTokens -
    promptMargin
  );
}

/**
 * The turn tokens one summarizer call can be given (memory's `foldChunkTokens`): its prompt's room
 * less the earlier summary. Memory counts a turn's words only; the transcript's names and line
 * breaks come on top, so a quarter is left for them; a chunk that still does not fit is summarized
 * in halves. (bench:path's 200-message thread: 6 calls this way; leaving a third took 7, a tenth 9
 * as chunks overflowed, budget-sized chunks 16.)
 */
export function summarizerTurnRoom(engine: AnswerEngine): number {
  return Math.max(0, Math.floor(((promptRoom(engine) - summaryTokens) * 3) / 4));
}

/**
 * Memory's rolling-summary writer: the model, through the same queue as every answer. A fold is
 * the first step of the question that needed it, so it waits in line as the asker (the asker's
 * one place in line: the answer queues only once the fold is done) and is cancelled with it.
 */
export function historySummarizer(engine: AnswerEngine): Summarize {
  const summarize: Summarize = async (previousSummary, turns, request) => {
    const transcript = turns.map(transcriptLine).join("\n");
    const prompt = previousSummary
      ? `Earlier summary:\n${previousSummary}\n\nLater turns:\n${transcript}`
      : transcript;
    // Memory sizes a chunk by its turns' words; the transcript's names and line breaks come on top
    // and, over many short turns, past the context: such a chunk is summarized in two halves.
    if (turns.length > 1 && engine.countTokens(prompt) > promptRoom(engine)) {
      const half = Math.ceil(turns.length / 2);
      const firstHalf = await summarize(previousSummary, turns.slice(0, half), request);
      return summarize(firstHalf, turns.slice(half), request);
    }
    let text = "";
    for await (const event of engine.generate({
      owner: request.requester,
      turns: [
        { role: "system", text: summaryInstruction },
        { role: "user", text: prompt },
      ],
      maxTokens: summaryTokens,
      temperature: 0.2,
      ...(request.signal ? { signal: request.signal } : {}),
    })) {
      if (event.type === "done") text = event.result.text;
    }
    return text.trim() || (previousSummary ?? "");
  };
  return summarize;
}

/** One turn for the summarizer: who wrote it (read messages labelled as such) and the files it carried. */
function transcriptLine(turn: StoredMessage): string {
  const speaker =
    turn.role === "assistant" ? "Guru" : turn.origin === "read" ? speakerLabel(turn) : turn.author;
  return [`${speaker}: ${turn.text}`, ...turn.documents.map(documentBlock)].join("\n");
}
