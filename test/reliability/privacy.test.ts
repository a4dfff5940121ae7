import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultSystemPrompt } from "../../src/config/configSchema.js";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Engine } from "../../src/engine/engine.js";
import { quoted } from "../../src/service/quotedContent.js";
import { openTinyEngine } from "../support/engineHarness.js";
import { appMention, type EventCallback, messagePosted } from "../support/fakeSlack/events.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { type DiscordFront, type GuruStack, openDiscordFront, openGuruStack } from "./guruStack.js";

/**
 * Memory's privacy boundary, end to end: an analysis made in one place is offered to later
 * questions in its own scope (the positive control) and never in another DM, channel, workspace
 * or guild. What the model is shown is read from the prompts the engine received.
 */

let engine: Engine;
let stack: GuruStack;
/** The same Guru in a second Discord server. */
let otherGuild: DiscordFront;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 4096 });
  stack = await openGuruStack(engine);
  otherGuild = await openDiscordFront(stack.service);
});

afterAll(async () => {
  await otherGuild?.close();
  await stack?.close();
  await engine?.close();
});

const question = "How should we shard the billing database across regions?";

/** The digest later questions are shown of the analysis stored at `address` (an analysis must be there). */
function digestAt(address: ConversationAddress): string {
  const digest = stack.service.remembered(address)?.analyses[0]?.summary;
  if (digest === undefined) throw new Error(`no analysis stored at ${JSON.stringify(address)}`);
  return digest;
}

/** A digest as the prompt shows it: quoted line by line (a digest of random text may span lines). */
function shown(digest: string): string {
  return quoted(digest).replace(/^> ?/, "");
}

const questionLabel = "The question to answer:\n";

/**
 * What the prompt that answered the question starting with `marker` showed besides the question:
 * the quoted material heading its last user turn (empty when there was none). The system turn is
 * always the configured prompt alone.
 */
function materialFor(marker: string): string {
  const found = stack.generations.filter((g) =>
    (g.turns.at(-1)?.text.split(questionLabel).at(-1) ?? "").startsWith(`${marker}:`),
  );
  expect(found).toHaveLength(1);
  const turns = found[0]?.turns ?? [];
  expect(turns.filter((turn) => turn.role === "system")).toEqual([
    { role: "system", text: defaultSystemPrompt },
  ]);
  const last = turns.at(-1)?.text ?? "";
  return last.includes(questionLabel) ? last.slice(0, last.lastIndexOf(questionLabel)) : "";
}

/**
 * A follow-up made of the digest's own words, so a search in the analysis's scope is sure to find
 * it, after a marker to find its prompt by.
 */
function followUp(marker: string, digest: string): string {
  return `${marker}: ${digest}`;
}

/** Slack escapes what people type: `<` arrives as `&lt;`. */
function slackEscaped(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

describe.each(["socket", "http"] as const)("Slack over %s", (transport) => {
  const rig = () => stack.slack[transport];
  const tag = transport.toUpperCase();
  const dm = `D0${tag}ALICE`;
  const channel = `C0${tag}SHARED`;

  async function inDm(text: string): Promise<void> {
    const posted = rig().slack.web.userPosts({ user: "U0ALICE", channel: dm, text: slackEscaped(text) });
    await rig().settle(messagePosted(posted, "im"));
  }

  async function mention(text: string, team: string = workspace.teamId): Promise<string> {
    const posted = rig().slack.web.userPosts({
      user: "U0ALICE",
      channel,
      text: `<@${workspace.botUserId}> ${slackEscaped(text)}`,
    });
    await rig().settle({ ...appMention(posted), team_id: team } as EventCallback);
    return posted.ts;
  }

  it("never shows a DM's analysis in a channel's prompt", async () => {
    await inDm(`analyze ${question}`);
    const digest = digestAt({ platform: "slack", space: null, channel: dm, thread: null });
    await inDm(followUp(`${tag} DM`, digest));
    await mention(followUp(`${tag} channel`, digest));

    expect(materialFor(`${tag} DM`)).toContain(shown(digest));
    expect(materialFor(`${tag} channel`)).not.toContain(shown(digest));
  });

  it("never shows one workspace's analysis in another's, even in a channel with the same id", async () => {
    const ts = await mention(`analyze ${question}`);
    const digest = digestAt({ platform: "slack", space: workspace.teamId, channel, thread: ts });
    await mention(followUp(`${tag} another thread`, digest));
    await mention(followUp(`${tag} another workspace`, digest), "T0OTHER");

    expect(materialFor(`${tag} another thread`)).toContain(shown(digest));
    expect(materialFor(`${tag} another workspace`)).not.toContain(shown(digest));
  });
});

describe("Discord", () => {
  /** Sends, then returns once the bot has answered everything sent so far. */
  async function answered(front: DiscordFront, send: () => unknown): Promise<void> {
    send();
    await front.drained();
  }

  it("never shows a DM's analysis in a channel's prompt", async () => {
    const { fake } = stack.discord;
    const alice = fake.world.users.alice;
    await answered(stack.discord, () => fake.slashCommand({ name: "analyze", prompt: question, dm: true }));
    const digest = digestAt({
      platform: "discord",
      space: null,
      channel: fake.world.dmWith(alice).id,
      thread: null,
    });
    await answered(stack.discord, () =>
      fake.userMessage({ content: followUp("Discord DM", digest), dm: true }),
    );
    await answered(stack.discord, () => fake.userMessage({ content: followUp("Discord #general", digest) }));

    expect(materialFor("Discord DM")).toContain(shown(digest));
    expect(materialFor("Discord #general")).not.toContain(shown(digest));
  });

  it("never shows one guild's analysis in another's", async () => {
    const { fake } = stack.discord;
    expect(otherGuild.fake.world.guildId).not.toBe(fake.world.guildId);
    const general = fake.world.channels.general.id;
    await answered(stack.discord, () =>
      fake.slashCommand({ name: "analyze", prompt: question, channelId: general }),
    );
    const digest = digestAt({
      platform: "discord",
      space: fake.world.guildId,
      channel: general,
      thread: null,
    });
    await answered(stack.discord, () => fake.userMessage({ content: followUp("This guild", digest) }));
    await answered(otherGuild, () =>
      otherGuild.fake.userMessage({ content: followUp("The other guild", digest) }),
    );

    expect(materialFor("This guild")).toContain(shown(digest));
    expect(materialFor("The other guild")).not.toContain(shown(digest));
  });
});
