import type { BatchItem, LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockstepBatching } from "../../src/engine/embedded/lockstepBatching.js";
import { sharedBackend } from "../support/engineHarness.js";
import { tinyModelPath } from "../support/tinyModel.js";

/** The node-llama-cpp 3.21.1 internals LockstepBatching reads, as it reads them. */
interface Internals {
  readonly _queuedDecodes?: readonly { readonly tokens: unknown; readonly sequenceId: number }[];
}

describe("lockstep batching, on node-llama-cpp's own context", () => {
  let model: LlamaModel;
  let context: LlamaContext;
  let sequences: LlamaContextSequence[];
  /** The sequence ids of each evaluated batch, in the order the batch holds them. */
  const batches: number[][] = [];

  beforeAll(async () => {
    const backend = await sharedBackend();
    model = await backend.llama.loadModel({ modelPath: await tinyModelPath() });
    const batching = new LockstepBatching();
    const prioritize = batching.options.itemPrioritizationStrategy;
    if (typeof prioritize !== "function") throw new Error("LockstepBatching has no prioritization");
    context = await model.createContext({
      contextSize: 2048,
      sequences: 4,
      threads: 1,
      batching: {
        itemPrioritizationStrategy: (options) => {
          const chosen = prioritize(options);
          const queued = (context as unknown as Internals)._queuedDecodes ?? [];
          const idOf = (item: BatchItem) =>
            queued.find((decode) => decode.tokens === item.tokens)?.sequenceId;
          batches.push(chosen.map((entry) => idOf(entry.item) ?? -1));
          return chosen;
        },
      },
    });
    sequences = Array.from({ length: 4 }, () => context.getSequence());
    batching.attach(context, sequences);
  });

  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
  });

  it("evaluates the streams' tokens of a step together, in sequence order", async () => {
    // Prompts of different lengths, started last-first: node-llama-cpp would queue them that way.
    const prompts = [3, 9, 5, 14].map((length, index) =>
      model.tokenize(`stream ${index} ${"word ".repeat(length)}`),
    );
    const steps = 12;
    await Promise.all(
      [...sequences.entries()].reverse().map(async ([index, sequence]) => {
        let produced = 0;
        for await (const _token of sequence.evaluate(prompts[index] as Token[], { temperature: 0 })) {
          produced += 1;
          if (produced === steps) break;
        }
      }),
    );

    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      // Every item is found among the queued decodes (the internals are still there) ...
      expect(batch).not.toContain(-1);
      // ... and the batch runs them in sequence-id order: one pass over the weights per run.
      expect(batch).toEqual([...batch].sort((a, b) => a - b));
    }
    // Four streams shared batches rather than each taking its own.
    expect(batches.some((batch) => batch.length === 4)).toBe(true);
  });
});
