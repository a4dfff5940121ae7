import { type APIEmbed, MessageType } from "discord.js";
import { answerTo } from "../../test/discord/answers.js";
import { DiscordRig } from "../../test/discord/discordRig.js";
import { ScriptedEngine } from "../../test/discord/scriptedEngine.js";
import { analysisQuestion, answer, modelAnalysis, question, tokenConfidences } from "./exchanges.js";

/** A message as Discord would show it in the channel. */
export interface DiscordShown {
  readonly author: string;
  readonly isBot: boolean;
  /** Discord Markdown, as posted. */
  readonly content: string;
  readonly embeds: readonly APIEmbed[];
  /** The message this one replies to, as Discord previews it above the reply. */
  readonly replyTo: { readonly author: string; readonly content: string } | null;
  /** The slash command this message answers, as Discord labels it ("alice used /analyze"). */
  readonly command: { readonly user: string; readonly name: string } | null;
}

export interface DiscordChannel {
  readonly channel: string;
  /** Display names by user id, for mentions. */
  readonly names: Readonly<Record<string, string>>;
  readonly messages: readonly DiscordShown[];
}

/**
 * Asks Guru's real Discord front (discord.js, the conversation service, SQLite) a question by
 * @mention and then `/analyze`, against the fake Discord, and returns the channel as the fake holds
 * it once every edit has landed.
 */
export async function captureDiscordChannel(): Promise<DiscordChannel> {
  const engine = new ScriptedEngine({ chunkChars: 48, delayMs: 1 });
  const rig = await DiscordRig.open(engine, { maxTokens: 1024 });
  try {
    const { world } = rig.fake;
    const channelId = world.channels.general.id;
    engine.say(answer);
    await answerTo(rig, rig.fake.userMessage({ content: question }));
    engine.say(JSON.stringify(modelAnalysis), tokenConfidences);
    const command = rig.fake.slashCommand({ name: "analyze", prompt: analysisQuestion });
    const analysed = () => {
      const original = world.interactions.get(command.id)?.originalMessageId;
      return (world.messages.get(original ?? "")?.message.embeds ?? []).length > 0;
    };
    await rig.settle(analysed);
    const names: Record<string, string> = {
      [world.users.alice.id]: world.users.alice.username,
      [world.bot.id]: world.bot.username,
    };
    const shown = rig.fake.messagesIn(channelId).map((stored) => stored.message);
    const messages = shown.map((m) => {
      const referenced = shown.find((other) => other.id === m.message_reference?.message_id);
      return {
        author: m.author.username,
        isBot: m.author.bot === true,
        content: m.content,
        embeds: m.embeds,
        replyTo: referenced ? { author: referenced.author.username, content: referenced.content } : null,
        command:
          m.type === MessageType.ChatInputCommand
            ? { user: world.users.alice.username, name: "analyze" }
            : null,
      };
    });
    return { channel: world.channels.general.name ?? "general", names, messages };
  } finally {
    await rig.close();
  }
}
