import type { SentMessage } from "../support/fakeDiscord/fakeDiscord.js";
import type { DiscordRig } from "./discordRig.js";

/**
 * Waits for Guru's whole reply to a message and returns what the person sees: the reply and the
 * parts that follow it, joined.
 */
export async function answerTo(rig: DiscordRig, sent: SentMessage): Promise<string> {
  const { world } = rig.fake;
  const channelId = sent.message.channel_id;
  const isReply = () =>
    rig.fake
      .messagesIn(channelId)
      .some(
        (m) =>
          m.message.author.id === world.bot.id && m.message.message_reference?.message_id === sent.message.id,
      );
  await rig.settle(isReply);
  const shown = rig.fake.messagesIn(channelId).filter((m) => m.message.author.id === world.bot.id);
  const first = shown.findIndex((m) => m.message.message_reference?.message_id === sent.message.id);
  return shown
    .slice(first)
    .map((m) => m.message.content)
    .join("\n");
}
