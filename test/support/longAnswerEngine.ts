import type { Engine } from "../../src/engine/engine.js";
import type { AnswerEngine } from "../../src/service/conversationService.js";

/**
 * The real engine, except that `talker`'s answers run long (thousands of tokens, through
 * end-of-text): still being written when a test presses Stop, so nothing depends on timing.
 * Everyone else's answers are as usual.
 */
export function longAnswersFor(engine: Engine, talker: string): AnswerEngine {
  return {
    countTokens: (text) => engine.countTokens(text),
    stats: () => engine.stats(),
    generate: (request) =>
      request.owner.endsWith(`:${talker}`)
        ? engine.generate({ ...request, maxTokens: 3000, ignoreEndOfText: true })
        : engine.generate(request),
  };
}
