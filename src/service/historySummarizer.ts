import type { StoredMessage, Summarize } from "../memory/memory.js";
import type { AnswerEngine } from "./conversationService.js";
import { summaryInstruction } from "./promptAssembly.js";
import { perTurnOverhead, promptMargin } from "./promptBudget.js";
import { documentBlock, speakerLabel } from "./quotedContent.js";

/** The longest rolling summary, in tokens. */
const summaryTokens = 200;

/** Memory's rolling-summary writer: the model, through the same queue as every answer. */
export function historySummarizer(engine: AnswerEngine): Summarize {
  const summarize: Summarize = async (previousSummary, turns) => {
    const transcript = turns.map(transcriptLine).join("\n");
    const prompt = previousSummary
      ? `Earlier summary:\n${previousSummary}\n\nLater turns:\n${transcript}`
      : transcript;
    // Memory sizes a chunk by its turns' words; the transcript's names and line breaks come on top
    // and, over many short turns, past the context: such a chunk is summarized in two halves.
    const promptTokens =
      engine.countTokens(summaryInstruction) + engine.countTokens(prompt) + 2 * perTurnOverhead;
    if (turns.length > 1 && promptTokens + summaryTokens + promptMargin > engine.stats().contextSize) {
      const half = Math.ceil(turns.length / 2);
      return summarize(await summarize(previousSummary, turns.slice(0, half)), turns.slice(half));
    }
    let text = "";
    for await (const event of engine.generate({
      owner: "guru:summary",
      turns: [
        { role: "system", text: summaryInstruction },
        { role: "user", text: prompt },
      ],
      maxTokens: summaryTokens,
      temperature: 0.2,
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
