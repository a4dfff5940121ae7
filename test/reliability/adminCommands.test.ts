import type { APIUser } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetNotAllowedText } from "../../src/bots/discord/discordText.js";
import { forgetNotYoursText, forgotConversationText } from "../../src/bots/slack/replyTexts.js";
import type { Engine } from "../../src/engine/engine.js";
import { waitFor } from "../discord/discordRig.js";
import { callsFor, contentOf } from "../discord/interactionRequests.js";
import type { Transport } from "../slack/slackRig.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { user } from "../support/fakeDiscord/payloads.js";
import { appMention, messagePosted } from "../support/fakeSlack/events.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { type GuruStack, openGuruStack } from "./guruStack.js";

/**
 * Forgetting a conversation others took part in is for admins only: in Slack (`@Guru forget` in a
 * thread) those on `slack.admins`; in Discord (`/forget` in a channel) members with Manage Messages
 * or those on `discord.admins`. There are no commands to change the model or settings from chat.
 * Already covered elsewhere: a Slack non-admin refused (test/slack/conversations.test.ts), Discord's
 * Manage Messages route both ways (test/discord/slashCommands.test.ts). Here: the configured admin
 * lists, on every surface, refusal and success side by side.
 */

const guru = `<@${workspace.botUserId}>`;
const slackAdmin = "U0ADMIN";

let engine: Engine;
let stack: GuruStack;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
  stack = await openGuruStack(engine, {
    slack: { admins: [slackAdmin] },
    discord: (world) => ({ admins: [world.users.bob.id] }),
  });
});

afterAll(async () => {
  await stack?.close();
  await engine?.close();
});

describe.each(["socket", "http"] satisfies Transport[])(
  "Slack over %s: `@Guru forget` in a shared thread",
  (transport) => {
    it("is refused privately for a non-admin and done for a configured admin", async () => {
      const rig = stack.slack[transport];
      const channel = `C0ADMIN${transport.toUpperCase()}`;
      const say = async (person: string, text: string, threadTs?: string) => {
        const posted = rig.slack.web.userPosts({
          user: person,
          channel,
          text,
          ...(threadTs ? { threadTs } : {}),
        });
        await rig.settle(text.startsWith(guru) ? appMention(posted) : messagePosted(posted, "channel"));
        return posted;
      };
      const question = await say("U0ALICE", `${guru} what is a mutex?`);
      await say("U0BOB", "and a semaphore?", question.ts);
      const thread = { platform: "slack", space: workspace.teamId, channel, thread: question.ts };

      await say("U0ALICE", `${guru} forget`, question.ts);
      expect(rig.slack.web.ephemeral.filter((e) => e.channel === channel)).toEqual([
        { channel, user: "U0ALICE", threadTs: question.ts, text: forgetNotYoursText },
      ]);
      expect(stack.service.remembered(thread)?.messages).toHaveLength(4);

      await say(slackAdmin, `${guru} forget`, question.ts);
      expect(stack.service.remembered(thread)).toBeNull();
      expect(rig.slack.web.botRepliesIn(channel, question.ts).at(-1)?.text).toBe(
        forgotConversationText(true),
      );
    });
  },
);

describe("Discord: `/forget` in a shared channel", () => {
  it("is refused for a member without Manage Messages and done for one on discord.admins", async () => {
    const { fake, bot } = stack.discord;
    const { world } = fake;
    const carol: APIUser = user(world.ids.next(), "carol");
    const random = world.channels.random.id;
    const channel = { platform: "discord", space: world.guildId, channel: random, thread: null };
    const forget = async (caller: APIUser) => {
      const sent = fake.slashCommand({ name: "forget", user: caller, channelId: random });
      await waitFor(() => callsFor(fake.requests, sent).callbacks.length > 0);
      await bot.idle();
      return contentOf(callsFor(fake.requests, sent).callbacks[0]);
    };
    fake.userMessage({ content: "what is a mutex?", channelId: random, author: carol });
    await stack.discord.drained();
    expect(stack.service.remembered(channel)?.messages).toHaveLength(2);

    expect(await forget(carol)).toBe(forgetNotAllowedText);
    expect(stack.service.remembered(channel)?.messages).toHaveLength(2);
    expect(await forget(world.users.bob)).toMatch(/^🧹 Forgotten/);
    expect(stack.service.remembered(channel)).toBeNull();
  });
});
