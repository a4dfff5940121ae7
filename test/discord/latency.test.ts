import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultTimings } from "../../src/bots/discord/handlerContext.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { DiscordRig } from "./discordRig.js";
import { callsFor } from "./interactionRequests.js";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Interaction → defer and interaction → final edit, on the tiny model with Guru's production
 * timings (edits at most once a second, the default answer length), as the fake Discord saw them.
 */
describe("latency on the tiny model", () => {
  let engine: Engine;
  let rig: DiscordRig;

  beforeAll(async () => {
    engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
    rig = await DiscordRig.open(engine, {
      maxTokens: 1024,
      discord: { editIntervalMs: 1000 },
      timings: defaultTimings,
    });
  });

  afterAll(async () => {
    await rig?.close();
    await engine?.close();
  });

  async function measure(sent: SentInteraction): Promise<{ defer: number; final: number }> {
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    const calls = callsFor(rig.fake.requests, sent);
    return { defer: (calls.callbacks[0]?.at ?? 0) - sent.at, final: (calls.edits.at(-1)?.at ?? 0) - sent.at };
  }

  it("defers well within Discord's 3 s and finishes soon after the model does", async () => {
    const asks = [];
    for (let i = 0; i < 5; i += 1)
      asks.push(await measure(rig.fake.slashCommand({ name: "ask", prompt: `Question ${i}` })));
    const analysis = await measure(
      rig.fake.slashCommand({ name: "analyze", prompt: "Why is the build slow?" }),
    );
    for (const run of [...asks, analysis]) expect(run.defer).toBeLessThan(3000);
    console.info(
      `[discord latency, tiny model] /ask ×5: defer median ${median(asks.map((a) => a.defer)).toFixed(1)} ms ` +
        `(max ${Math.max(...asks.map((a) => a.defer)).toFixed(1)}), final edit median ${median(asks.map((a) => a.final)).toFixed(0)} ms ` +
        `(max ${Math.max(...asks.map((a) => a.final)).toFixed(0)}); /analyze: defer ${analysis.defer.toFixed(1)} ms, final edit ${analysis.final.toFixed(0)} ms`,
    );
  });
});
