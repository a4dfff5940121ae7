import type { ChatTurn } from "../engine/generationTypes.js";
import type { Context } from "../memory/memory.js";
import type { RequestMode } from "./conversationRequest.js";

const analysisInstruction =
  "Produce a cognitive analysis of the user's question as JSON: a summary, your reasoning steps, " +
  "quantitative insights, patterns you detect with their evidence and a confidence from 0 to 1, " +
  "concrete recommendations (architectural ones when the question is about a system), and your " +
  "overall self_confidence from 0 to 1.";

/**
 * The chat the model sees. Memory goes into the system turn as clearly labelled notes; the
 * user's words only ever appear as user turns, so they cannot rewrite the instructions.
 */
export function assembleTurns(
  systemPrompt: string,
  context: Context,
  question: string,
  mode: RequestMode,
): ChatTurn[] {
  const notes: string[] = [];
  if (context.summary) notes.push(`Summary of the earlier conversation:\n${context.summary}`);
  if (context.analyses.length > 0) {
    const lines = context.analyses.map((a) => `- (confidence ${a.confidence.toFixed(2)}) ${a.summary}`);
    notes.push(`Earlier analyses in this conversation's scope that may be relevant:\n${lines.join("\n")}`);
  }
  if (mode === "analyze") notes.push(analysisInstruction);
  const system = [systemPrompt, ...notes].join("\n\n");
  const history: ChatTurn[] = context.turns.map((turn) => ({
    role: turn.role,
    text: turn.status === "complete" ? turn.text : `${turn.text}\n[this answer was cut short]`,
  }));
  return [{ role: "system", text: system }, ...history, { role: "user", text: question }];
}

export const summaryInstruction =
  "Summarize the conversation below for your own later reference: the facts, decisions and open " +
  "questions, in at most 120 words. Write only the summary.";
