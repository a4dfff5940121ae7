import type { ChatTurn } from "../../src/engine/generationTypes.js";

let promptsIssued = 0;

/**
 * A fixed short chat, made unique by a tag right after the first control token: a slot's cached
 * prefix then always ends there (the tag's letter differs from the slot's previous prompt, since
 * fewer than 26 prompts pass between two uses of a slot), so every request evaluates the same
 * number of prompt tokens however slots are reused. The tag has a fixed width, so a fixed token count.
 */
export function nextBenchTurns(): ChatTurn[] {
  const issued = promptsIssued;
  promptsIssued += 1;
  const letter = String.fromCharCode(65 + (issued % 26));
  const tag = `${letter}${String(issued % 10_000).padStart(4, "0")}`;
  return [
    { role: "system", text: `${tag} You are Guru, a helpful assistant.` },
    { role: "user", text: "Tell me a long story about a lighthouse keeper and the sea." },
  ];
}
