import type { ChatHistoryItem } from "node-llama-cpp";
import type { ChatTurn } from "./generationTypes.js";

/** A chat in node-llama-cpp's shape, ending in the empty model response the answer fills. */
export function chatHistoryForAnswer(turns: readonly ChatTurn[]): ChatHistoryItem[] {
  const chatHistory: ChatHistoryItem[] = turns.map((turn) =>
    turn.role === "assistant"
      ? { type: "model", response: [turn.text] }
      : { type: turn.role, text: turn.text },
  );
  chatHistory.push({ type: "model", response: [] });
  return chatHistory;
}
