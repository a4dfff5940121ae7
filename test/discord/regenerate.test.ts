import { InteractionResponseType, MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { regenerateNotes } from "../../src/bots/discord/answerControls.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { numberedTakes } from "../support/longAnswerEngine.js";
import { storedReplies } from "../support/storedReplies.js";
import { DiscordRig, waitFor } from "./discordRig.js";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Guru with one slot, each answer saying which take it is; Bob has asked and been answered (take 1). */
/** Guru's answer to `asker` ("bob" or "alice": Alice manages the server, Bob does not). */
async function answeredFor(asker: "alice" | "bob") {
  const engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
  cleanups.push(() => engine.close());
  const rig = await DiscordRig.open(numberedTakes(engine), { discord: { openThreads: false } });
  cleanups.push(() => rig.close());
  const { users, channels } = rig.fake.world;
  const asked = rig.fake.userMessage({ content: "What is a mutex?", author: users[asker] });
  const reply = () =>
    rig.fake
      .messagesIn(channels.general.id)
      .find((m) => m.message.message_reference?.message_id === asked.message.id)?.message;
  await waitFor(() => reply()?.content.startsWith("Take 1.") === true);
  await rig.bot.idle();
  const shown = reply();
  if (!shown) throw new Error("Guru did not answer");
  const customId = JSON.stringify(shown.components).match(/"custom_id":"(guru:regenerate:[^"]+)"/)?.[1] ?? "";
  return { rig, reply, messageId: shown.id, customId };
}

function callbacksOf(rig: DiscordRig, press: SentInteraction) {
  return rig.fake.requests
    .filter((r) => r.route === `/interactions/${press.id}/${press.token}/callback`)
    .map((r) => r.body as { type: number; data?: { content?: string; flags?: number } });
}

describe("Discord: Regenerate", () => {
  it("replaces the answer in the same message, and memory holds the new one", async () => {
    const { rig, reply, messageId, customId } = await answeredFor("bob");
    expect(customId).not.toBe("");

    const press = rig.fake.pressButton({ messageId, customId, user: rig.fake.world.users.bob });
    await waitFor(() => reply()?.content.startsWith("Take 2.") === true);
    await rig.bot.idle();

    expect(callbacksOf(rig, press)).toEqual([{ type: InteractionResponseType.DeferredMessageUpdate }]);
    expect(reply()?.id).toBe(messageId);
    expect(JSON.stringify(reply()?.components)).toContain("guru:regenerate:");
    const replies = storedReplies(rig.databasePath);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ status: "complete", text: reply()?.content });
  });

  it("refuses a Regenerate from someone else with an ephemeral note", async () => {
    const { rig, reply, messageId, customId } = await answeredFor("alice");

    const press = rig.fake.pressButton({ messageId, customId, user: rig.fake.world.users.bob });
    await waitFor(() => callbacksOf(rig, press).length > 0);
    await rig.bot.idle();

    expect(callbacksOf(rig, press)).toEqual([
      {
        type: InteractionResponseType.ChannelMessageWithSource,
        data: expect.objectContaining({ content: regenerateNotes.notAllowed, flags: MessageFlags.Ephemeral }),
      },
    ]);
    expect(reply()?.content).toMatch(/^Take 1\./);
  });
});
