import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { finalOf, openServiceRig, request, type ServiceRig, updatesOf } from "../support/serviceHarness.js";

/**
 * What a burst leaves behind in a Discord channel (one conversation, no threads): many short
 * questions, most refused while Guru was busy, each stored with an empty reply marked cut short.
 * Memory counts the words of each turn; the prompt also carries the chat template around every
 * turn and a "cut short" note on each refused answer, and must still fit the model's context.
 */

const busyChannel: ConversationAddress = { platform: "discord", space: "G1", channel: "C1", thread: null };

let engine: Engine;
let rig: ServiceRig;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 1, contextSize: 2048 });
  rig = openServiceRig(engine);
});

afterAll(async () => {
  rig?.close();
  await engine?.close();
});

describe("a channel full of short questions refused while Guru was busy", () => {
  it("leaves room in the model's context for the next answer, however full the channel", async () => {
    const outcomes: string[] = [];
    // Batch after batch, so that some question comes when the turns' words alone just fit the budget.
    for (let batch = 0; batch < 15; batch += 1) {
      for (let i = batch * 10; i < (batch + 1) * 10; i += 1) {
        const asked = rig.memory.recordInbound({
          address: busyChannel,
          author: `U${i % 50}`,
          text: `m${i} what is ${i} squared?`,
          platformMessageId: `busy-${i}`,
        });
        if (!asked.isNew) throw new Error("seed message existed");
        rig.memory.recordReply({
          inReplyTo: asked.message.id,
          author: "guru",
          text: "",
          status: "failed",
          reason: "QUEUE_FULL",
        });
      }
      const updates = await updatesOf(
        rig.service.handle(request(`after ${batch + 1}0 refusals?`, { address: busyChannel })),
      );
      outcomes.push(finalOf(updates).type);
    }

    expect(outcomes).toEqual(outcomes.map(() => "finished"));
  });

  it("folds a burst of questions into the summary, however much their askers' ids add to their words", async () => {
    const burst: ConversationAddress = { ...busyChannel, channel: "C2" };
    // Questions come in faster than Guru answers, so they are stored one after another, refusals after.
    const asked = Array.from({ length: 150 }, (_, i) => {
      const question = rig.memory.recordInbound({
        address: burst,
        author: String(1_575_548_260_469_178_000n + BigInt(i % 50)),
        text: `m${i} what is ${i} squared, and why?`,
        platformMessageId: `burst-${i}`,
      });
      if (!question.isNew) throw new Error("seed message existed");
      return question.message;
    });
    for (const question of asked) {
      rig.memory.recordReply({
        inReplyTo: question.id,
        author: "guru",
        text: "",
        status: "failed",
        reason: "QUEUE_FULL",
      });
    }

    const updates = await updatesOf(rig.service.handle(request("and now?", { address: burst })));

    expect(finalOf(updates)).toMatchObject({ type: "finished" });
    expect(rig.service.remembered(burst)?.summary).not.toBeNull();
  });
});
