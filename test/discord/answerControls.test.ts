import { type APIMessage, InteractionResponseType, MessageFlags } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { stopNotes } from "../../src/bots/discord/answerControls.js";
import { queuedText, thinkingText } from "../../src/bots/discord/discordText.js";
import type { Engine } from "../../src/engine/engine.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentInteraction } from "../support/fakeDiscord/fakeDiscord.js";
import { longAnswersFor } from "../support/longAnswerEngine.js";
import { storedReplies } from "../support/storedReplies.js";
import { DiscordRig, waitFor } from "./discordRig.js";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Guru with one slot, where Alice's answers run long; the robot user is a Guru admin. */
async function openGuru(): Promise<DiscordRig> {
  const engine: Engine = await openTinyEngine({ slots: 1, contextSize: 4096 });
  cleanups.push(() => engine.close());
  let alice = "";
  const rig = await DiscordRig.open(
    {
      countTokens: (text) => engine.countTokens(text),
      stats: () => engine.stats(),
      refusal: (owner) => engine.refusal(owner),
      generate: (request) => longAnswersFor(engine, alice).generate(request),
    },
    { discord: (world) => ({ openThreads: false, admins: [world.users.robot.id] }) },
  );
  alice = rig.fake.world.users.alice.id;
  cleanups.push(() => rig.close());
  return rig;
}

function stopId(message: APIMessage): string | undefined {
  return JSON.stringify(message.components ?? []).match(/"custom_id":"(guru:stop:[^"]+)"/)?.[1];
}

/** The bot's first reply to the message `questionId`, once it shows what `shown` wants. */
async function replyTo(
  rig: DiscordRig,
  questionId: string,
  shown: (m: APIMessage) => boolean,
): Promise<APIMessage> {
  const general = rig.fake.world.channels.general.id;
  const find = () =>
    rig.fake
      .messagesIn(general)
      .map((m) => m.message)
      .find((m) => m.message_reference?.message_id === questionId && shown(m));
  await waitFor(() => find() !== undefined);
  return find() as APIMessage;
}

/** Alice's long answer, being written: past the placeholder, with a Stop button. */
const writing = (m: APIMessage) =>
  stopId(m) !== undefined && m.content !== thinkingText && !m.content.startsWith("⏳");

function callbacksOf(rig: DiscordRig, press: SentInteraction) {
  return rig.fake.requests
    .filter((r) => r.route === `/interactions/${press.id}/${press.token}/callback`)
    .map((r) => r.body as { type: number; data?: { content?: string; flags?: number } });
}

describe("Discord: Stop", () => {
  it("stops the answer: the next queued question starts, the message says stopped, memory keeps the partial marked", async () => {
    const rig = await openGuru();
    const { users } = rig.fake.world;
    const aliceAsked = rig.fake.userMessage({ content: "Tell me a long story" });
    const alice = await replyTo(rig, aliceAsked.message.id, writing);
    const bobAsked = rig.fake.userMessage({ content: "Am I next?", author: users.bob });
    await replyTo(rig, bobAsked.message.id, (m) => m.content === queuedText(1) && stopId(m) !== undefined);

    const press = rig.fake.pressButton({
      messageId: alice.id,
      customId: stopId(alice) ?? "",
      user: users.alice,
    });
    await waitFor(() => callbacksOf(rig, press).length > 0);
    await rig.bot.idle();

    expect(callbacksOf(rig, press)).toEqual([{ type: InteractionResponseType.DeferredMessageUpdate }]);
    const stopped = await replyTo(rig, aliceAsked.message.id, () => true);
    const general = rig.fake.messagesIn(rig.fake.world.channels.general.id).map((m) => m.message);
    expect(general.some((m) => m.content.includes("Stopped by the person who asked."))).toBe(true);
    expect(stopId(stopped)).toBeUndefined();
    const answered = await replyTo(rig, bobAsked.message.id, () => true);
    expect(answered.content).not.toMatch(/Waiting in line|Cut short/);
    expect(stopId(answered)).toBeUndefined();
    const [aliceReply, bobReply] = storedReplies(rig.databasePath);
    expect(aliceReply).toMatchObject({ status: "interrupted", status_reason: "CANCELLED" });
    expect(aliceReply?.text.length).toBeGreaterThan(0);
    expect(bobReply).toMatchObject({ status: "complete" });
  });

  it("refuses a Stop from someone else with an ephemeral note, and an admin may stop it", async () => {
    const rig = await openGuru();
    const { users } = rig.fake.world;
    const asked = rig.fake.userMessage({ content: "Tell me a long story" });
    const alice = await replyTo(rig, asked.message.id, writing);

    const byBob = rig.fake.pressButton({
      messageId: alice.id,
      customId: stopId(alice) ?? "",
      user: users.bob,
    });
    await waitFor(() => callbacksOf(rig, byBob).length > 0);
    const byAdmin = rig.fake.pressButton({
      messageId: alice.id,
      customId: stopId(alice) ?? "",
      user: users.robot,
    });
    await waitFor(() => callbacksOf(rig, byAdmin).length > 0);
    await rig.bot.idle();

    expect(callbacksOf(rig, byBob)).toEqual([
      {
        type: InteractionResponseType.ChannelMessageWithSource,
        data: expect.objectContaining({ content: stopNotes.notAllowed, flags: MessageFlags.Ephemeral }),
      },
    ]);
    expect(callbacksOf(rig, byAdmin)).toEqual([{ type: InteractionResponseType.DeferredMessageUpdate }]);
    const general = rig.fake.messagesIn(rig.fake.world.channels.general.id).map((m) => m.message);
    expect(general.some((m) => m.content.includes("Stopped by an admin."))).toBe(true);
    expect(storedReplies(rig.databasePath)[0]).toMatchObject({ status: "interrupted" });
  });

  it("tells whoever presses Stop on an answer that has finished, once however often the press is delivered", async () => {
    const rig = await openGuru();
    const { users } = rig.fake.world;
    const asked = rig.fake.userMessage({ content: "Quick one?", author: users.bob });
    const shown = await replyTo(rig, asked.message.id, (m) => stopId(m) !== undefined);
    const customId = stopId(shown) ?? "";
    await rig.bot.idle();

    const press = rig.fake.pressButton({ messageId: shown.id, customId, user: users.bob });
    await waitFor(() => callbacksOf(rig, press).length > 0);
    rig.fake.pressButton({ messageId: shown.id, customId, again: press });
    await rig.drained();

    expect(callbacksOf(rig, press)).toEqual([
      {
        type: InteractionResponseType.ChannelMessageWithSource,
        data: expect.objectContaining({ content: stopNotes.notRunning, flags: MessageFlags.Ephemeral }),
      },
    ]);
    expect(storedReplies(rig.databasePath)).toMatchObject([{ status: "complete" }]);
  });
});
