import { InteractionResponseType } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordRig } from "./discordRig.js";
import { callsFor, contentOf } from "./interactionRequests.js";
import { ScriptedEngine } from "./scriptedEngine.js";

const paragraph = (n: number) =>
  `Paragraph ${n}: ${"a slot queue hands out context sequences fairly. ".repeat(12).trim()}`;
const code = Array.from({ length: 70 }, (_, i) => `const value${i} = compute(${i}); // step ${i}`).join("\n");
/** ≈ 4,300 characters: two paragraphs, a code block longer than one Discord message, a last paragraph. */
const longAnswer = [paragraph(1), paragraph(2), `\`\`\`ts\n${code}\n\`\`\``, paragraph(3)].join("\n\n");

function fenceLines(text: string): number {
  return text.split("\n").filter((line) => line.startsWith("```")).length;
}

describe("a slash command's streamed reply", () => {
  const engine = new ScriptedEngine({ chunkChars: 60, delayMs: 10 });
  let rig: DiscordRig;

  beforeAll(async () => {
    rig = await DiscordRig.open(engine);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it("is deferred first, then edited as the text grows, at most once per edit interval", async () => {
    engine.say(longAnswer);
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "Explain slot queues with code" });
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.callbacks).toHaveLength(1);
    expect(calls.callbacks[0]?.body).toEqual({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: 0 },
    });
    expect(calls.all[0]).toBe(calls.callbacks[0]);
    const originalEdits = calls.edits.filter((r) => r.rawPath.endsWith("/messages/%40original"));
    expect(originalEdits.length).toBeGreaterThan(2);
    // The streaming edits keep their distance; only the final one comes as soon as the answer is done.
    // Measured where the fake receives them, so on a busy machine one gap may shrink by the
    // network's jitter; on average they keep the interval (unthrottled edits come per token).
    const streaming = originalEdits.slice(0, -1);
    const span = (streaming.at(-1)?.at ?? 0) - (streaming[0]?.at ?? 0);
    expect(span / (streaming.length - 1)).toBeGreaterThanOrEqual(180);
    const growing = streaming.map(contentOf);
    expect(growing[0]?.length).toBeLessThan(longAnswer.length);
  });

  it("continues past 2,000 characters in follow-ups, split between paragraphs or code lines with fences balanced", async () => {
    engine.say(longAnswer);
    const sent = rig.fake.slashCommand({ name: "ask", prompt: "And once more, please" });
    await rig.settle((requests) => callsFor(requests, sent).callbacks.length > 0);
    const calls = callsFor(rig.fake.requests, sent);
    expect(calls.followUps.length).toBeGreaterThanOrEqual(2);
    for (const followUp of calls.followUps) expect(followUp.query.get("wait")).toBe("true");
    const interaction = rig.fake.world.interactions.get(sent.id);
    const parts = (interaction?.messageIds ?? []).map(
      (id) => rig.fake.world.messages.get(id)?.message.content ?? "",
    );
    expect(parts.length).toBe(calls.followUps.length + 1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(2000);
      expect(fenceLines(part) % 2).toBe(0);
    }
    expect(parts[0]).toBe(`${paragraph(1)}\n\n${paragraph(2)}`);
    expect(parts[1]?.startsWith("```ts\nconst value0")).toBe(true);
    expect(parts[2]?.startsWith("```ts\n")).toBe(true);
    // Nothing lost or changed: the parts, less the fences added at the cuts, are the answer.
    const rejoined = parts.join("\n").replace(/\n```\n```ts\n/g, "\n");
    expect(rejoined.replace(/\s+/g, " ")).toBe(longAnswer.replace(/\s+/g, " "));
  });
});
