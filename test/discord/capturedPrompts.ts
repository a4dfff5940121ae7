import type { ChatTurn, GenerationRequest } from "../../src/engine/generationTypes.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";

/** An engine that keeps every request it is given, so tests can read the prompt the model saw. */
export interface CapturingEngine extends AnswerEngine {
  readonly generations: readonly GenerationRequest[];
}

export function capturePrompts(engine: AnswerEngine): CapturingEngine {
  const generations: GenerationRequest[] = [];
  return {
    generations,
    generate: (request) => {
      generations.push(request);
      return engine.generate(request);
    },
    countTokens: (text) => engine.countTokens(text),
    stats: () => engine.stats(),
    refusal: (owner) => engine.refusal(owner),
  };
}

/** The turns of the one generation that answered `question` (its last user turn holds it). */
export function turnsAnswering(engine: CapturingEngine, question: string): readonly ChatTurn[] {
  const found = engine.generations.filter((g) => g.turns.at(-1)?.text.includes(question));
  if (found.length !== 1) throw new Error(`${found.length} generations answered "${question}"`);
  return found[0]?.turns ?? [];
}

/** What the model was shown outside the system turn, in order. */
export function userSideText(turns: readonly ChatTurn[]): string {
  return turns
    .filter((turn) => turn.role !== "system")
    .map((turn) => turn.text)
    .join("\n");
}
