import type { ReadDocument } from "../conversation/readDocument.js";
import type { ChatTurn } from "../engine/generationTypes.js";
import type { Context, ContextTurn } from "../memory/memory.js";
import type { RequestMode } from "./conversationRequest.js";
import { documentBlock, quoted, readMessagesBlock } from "./quotedContent.js";

const analysisInstruction =
  "Produce a cognitive analysis of the user's question as JSON: a summary, your reasoning steps, " +
  "quantitative insights, patterns you detect with their evidence and a confidence from 0 to 1, " +
  "concrete recommendations (architectural ones when the question is about a system), and your " +
  "overall self_confidence from 0 to 1.";

/** The question being answered: its words and the files attached to it (already cut to fit). */
export interface QuestionPrompt {
  readonly text: string;
  readonly documents: readonly ReadDocument[];
}

/**
 * The chat the model sees. The system turn holds only the configured prompt and Guru's own
 * instructions. Everything else — the rolling summary, prior analysis digests, messages read in the
 * thread, files — is quoted, labelled content inside user turns, so none of it can pass for the
 * instructions; read messages go into the user turn of the question they came before.
 */
export function assembleTurns(
  systemPrompt: string,
  context: Context,
  question: QuestionPrompt,
  mode: RequestMode,
): ChatTurn[] {
  const system = mode === "analyze" ? `${systemPrompt}\n\n${analysisInstruction}` : systemPrompt;
  const turns: ChatTurn[] = [{ role: "system", text: system }];
  let pendingRead: ContextTurn[] = [];
  for (const turn of context.turns) {
    if (turn.origin === "read") {
      pendingRead.push(turn);
    } else if (turn.role === "assistant") {
      turns.push({
        role: "assistant",
        text: turn.status === "complete" ? turn.text : `${turn.text}\n[this answer was cut short]`,
      });
    } else {
      turns.push({ role: "user", text: userTurn([], pendingRead, turn) });
      pendingRead = [];
    }
  }
  turns.push({ role: "user", text: userTurn(memoryNotes(context), pendingRead, question) });
  return turns;
}

/** The rolling summary and prior analysis digests: Guru's own earlier output, which may repeat anyone's words. */
function memoryNotes(context: Context): string[] {
  const notes: string[] = [];
  if (context.summary) {
    notes.push(
      `Summary of the earlier conversation, written by you earlier (quoted):\n${quoted(context.summary)}`,
    );
  }
  if (context.analyses.length > 0) {
    const lines = context.analyses.map((a) => `- (confidence ${a.confidence.toFixed(2)}) ${a.summary}`);
    notes.push(
      `Earlier analyses in this conversation's scope that may be relevant (quoted):\n${quoted(lines.join("\n"))}`,
    );
  }
  return notes;
}

/** A question's user turn: the plain words alone, or labelled after whatever material came with it. */
function userTurn(notes: readonly string[], read: readonly ContextTurn[], question: QuestionPrompt): string {
  const material = [
    ...notes,
    ...(read.length > 0 ? [readMessagesBlock(read)] : []),
    ...question.documents.map(documentBlock),
  ];
  if (material.length === 0) return question.text;
  return `${material.join("\n\n")}\n\nThe question to answer:\n${question.text}`;
}

export const summaryInstruction =
  "Summarize the conversation below for your own later reference: the facts, decisions and open " +
  "questions, in at most 120 words. Write only the summary.";
