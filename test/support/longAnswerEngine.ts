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
    refusal: (owner) => engine.refusal(owner),
    generate: (request) =>
      request.owner.endsWith(`:${talker}`)
        ? engine.generate({ ...request, maxTokens: 3000, ignoreEndOfText: true })
        : engine.generate(request),
  };
}

/**
 * The real engine, each answer marked with its number ("Take 2. …") so a test can tell a
 * regenerated answer from the first; the takes in `long` run long, like `longAnswersFor`'s.
 */
export function numberedTakes(engine: Engine, long: ReadonlySet<number> = new Set()): AnswerEngine {
  let takes = 0;
  return {
    countTokens: (text) => engine.countTokens(text),
    stats: () => engine.stats(),
    refusal: (owner) => engine.refusal(owner),
    async *generate(request) {
      takes += 1;
      const tag = `Take ${takes}. `;
      let tagged = false;
      const events = long.has(takes)
        ? engine.generate({ ...request, maxTokens: 3000, ignoreEndOfText: true })
        : engine.generate(request);
      for await (const event of events) {
        if (event.type === "text" && !tagged) {
          tagged = true;
          yield { ...event, delta: tag + event.delta };
        } else if (event.type === "done")
          yield { ...event, result: { ...event.result, text: tag + event.result.text } };
        else yield event;
      }
    },
  };
}
