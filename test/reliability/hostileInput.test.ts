import { stringify } from "node:querystring";
import { type APIMessage, ChannelType, GatewayDispatchEvents, GatewayIntentBits } from "discord.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitMarkdown } from "../../src/bots/common/markdownChunker.js";
import { analysisEmbed, embedLimits } from "../../src/bots/discord/analysisEmbed.js";
import { cutShortNote, messageLimit as discordLimit } from "../../src/bots/discord/discordText.js";
import { analysisBlocks } from "../../src/bots/slack/analysisBlocks.js";
import { toMrkdwn } from "../../src/bots/slack/mrkdwn.js";
import { messageLimit as slackLimit } from "../../src/bots/slack/replyView.js";
import type { Engine } from "../../src/engine/engine.js";
import {
  type CognitiveAnalysis,
  confidenceMethod,
  recommendationKinds,
} from "../../src/service/cognitiveAnalysis.js";
import { helpText } from "../../src/service/conversationService.js";
import { waitFor } from "../discord/discordRig.js";
import { callsFor, contentOf, flagsOf } from "../discord/interactionRequests.js";
import type { Transport } from "../slack/slackRig.js";
import { openTinyEngine } from "../support/engineHarness.js";
import type { SentMessage } from "../support/fakeDiscord/fakeDiscord.js";
import { message } from "../support/fakeDiscord/payloads.js";
import { appMention, type EventCallback, eventCallback, messagePosted } from "../support/fakeSlack/events.js";
import { postSigned } from "../support/fakeSlack/signer.js";
import { workspace } from "../support/fakeSlack/workspace.js";
import { type GuruStack, openGuruStack } from "./guruStack.js";

const guru = `<@${workspace.botUserId}>`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters in question.
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const controlCharacters = [..."\u0000\u0007\b\u000B\u000C\u001B\u007F\u0085\u009F"];
/** Bidirectional marks, overrides and isolates, zero-width characters, the byte-order mark. */
const invisibles = [..."\u200B\u200C\u200D\u200E\u200F\u202A\u202E\u2066\u2069\u2060\uFEFF\u061C"];
/** Markdown and Slack syntax, whole and in pieces. */
const markdown = [
  "```",
  "```ts",
  "~~~",
  "`",
  "**",
  "*",
  "_",
  "__",
  "~~",
  "# ",
  "> ",
  "- ",
  "1. ",
  "[a](https://example.com/a_b)",
  "<https://example.com>",
  "<!channel>",
  "<@U0GURUBOT>",
  "&",
  "<",
  ">",
  "|",
];
const spacing = [" ", "\n", "\n\n", "\t", "\r\n", "\r", "\u2028"];
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const piece = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom(...markdown, ...spacing, ...controlCharacters, ...invisibles),
  loneSurrogate,
);
const hostileText = fc.array(piece, { maxLength: 400 }).map((pieces) => pieces.join(""));

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Up to 100,000 characters: a hostile stretch repeated, as in a pasted log or a runaway answer. */
const longText = fc
  .tuple(
    hostileText.filter((text) => text.length > 0),
    fc.integer({ min: 10_000, max: 100_000 }),
  )
  .map(([unit, length]) => repeatTo(unit, length));

/** A code block of up to 100,000 characters, closed or left open. */
const hugeCodeBlock = fc
  .tuple(
    fc.constantFrom("", "ts", "x".repeat(40)),
    hostileText,
    fc.integer({ min: 1_000, max: 100_000 }),
    fc.boolean(),
  )
  .map(
    ([language, line, length, closed]) =>
      `\`\`\`${language}\n${repeatTo(`${line}\n`, length)}${closed ? "\n```" : ""}`,
  );

const anyText = fc.oneof(hostileText, longText, hugeCodeBlock);

/** A fence line as a Markdown renderer sees one, whatever follows the fence on its line. */
const fenceLine = /^\s*(`{3,}|~{3,})/;

/** True when every code block opened in `text` is closed again. */
function fencesBalanced(text: string): boolean {
  return text.split("\n").filter((line) => fenceLine.test(line)).length % 2 === 0;
}

function expectSendable(parts: readonly string[], limit: number, wellFormed: boolean): void {
  for (const part of parts) {
    expect(part.length).toBeLessThanOrEqual(limit);
    expect(part.trim()).not.toBe("");
    expect(fencesBalanced(part)).toBe(true);
    if (wellFormed) expect(part.isWellFormed()).toBe(true);
  }
}

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const confidence = fc.record({
  overall: unit,
  method: fc.constant(confidenceMethod),
  tokenProbability: unit,
  selfAssessment: unit,
  completeness: unit,
  freeTokens: fc.nat(),
});

function analyses(text: fc.Arbitrary<string>): fc.Arbitrary<CognitiveAnalysis> {
  return fc.record({
    schemaVersion: fc.constant(1 as const),
    summary: text,
    reasoningSteps: fc.array(text, { maxLength: 6 }),
    quantitativeInsights: fc.array(text, { maxLength: 4 }),
    patterns: fc.array(fc.record({ name: text, evidence: text, confidence: unit }), { maxLength: 30 }),
    recommendations: fc.array(fc.record({ kind: fc.constantFrom(...recommendationKinds), action: text }), {
      maxLength: 6,
    }),
    confidence,
  });
}

describe("the chunker and converters, given any text up to 100,000 characters", () => {
  it("splits Markdown for Discord into messages within 2,000 characters with every code block closed", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectSendable(splitMarkdown(text, discordLimit), discordLimit, text.isWellFormed());
        // What an answer cut short shows: the partial text and the note.
        expectSendable(
          splitMarkdown(text + cutShortNote("The request was cancelled."), discordLimit),
          discordLimit,
          text.isWellFormed(),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("converts Markdown to Slack mrkdwn with no control character and no Slack control sequence, in messages within 3,900 characters with every code block closed", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const mrkdwn = toMrkdwn(text);
        expect(mrkdwn).not.toMatch(controlCharacter);
        // The only `<…>` are the links the converter made.
        for (const match of mrkdwn.matchAll(/</g))
          expect(mrkdwn.slice(match.index)).toMatch(/^<(https?:\/\/|mailto:)/);
        expectSendable(splitMarkdown(mrkdwn, slackLimit), slackLimit, true);
      }),
      { numRuns: 60 },
    );
  });

  it("builds analysis embeds within Discord's limits, whatever the question and the analysis say", () => {
    fc.assert(
      fc.property(analyses(anyText), anyText, (analysis, question) => {
        const embed = analysisEmbed(analysis, question);
        const fields = embed.fields ?? [];
        expect(embed.title?.length ?? 0).toBeLessThanOrEqual(embedLimits.title);
        expect(embed.description?.length ?? 0).toBeLessThanOrEqual(embedLimits.description);
        expect(fields.length).toBeLessThanOrEqual(embedLimits.fields);
        for (const field of fields) {
          expect(field.name.length).toBeLessThanOrEqual(embedLimits.fieldName);
          expect(field.value.length).toBeLessThanOrEqual(embedLimits.fieldValue);
          expect(field.value.trim()).not.toBe("");
        }
        const total = [
          embed.title,
          embed.description,
          embed.footer?.text,
          ...fields.flatMap((f) => [f.name, f.value]),
        ]
          .map((text) => text?.length ?? 0)
          .reduce((a, b) => a + b, 0);
        expect(total).toBeLessThanOrEqual(embedLimits.total);
      }),
      { numRuns: 40 },
    );
  });

  it("builds Slack analysis blocks within Block Kit's limits for any analysis the model can write", () => {
    // Each field as long as the analysis schema lets it be (twice the grammar's characters, counted in
    // UTF-16 units), and full of what escaping lengthens.
    const bounded = (max: number) =>
      fc
        .oneof(
          hostileText,
          fc.constantFrom("&", "<", ">", "*", "`").map((c) => c.repeat(2 * max)),
        )
        .map((text) => text.slice(0, 2 * max));
    fc.assert(
      fc.property(
        fc.record({
          summary: bounded(280),
          reasoningSteps: fc.array(bounded(200), { minLength: 1, maxLength: 4 }),
          quantitativeInsights: fc.array(bounded(140), { maxLength: 3 }),
          patterns: fc.array(fc.record({ name: bounded(48), evidence: bounded(140), confidence: unit }), {
            maxLength: 3,
          }),
          recommendations: fc.array(
            fc.record({ kind: fc.constantFrom(...recommendationKinds), action: bounded(160) }),
            { maxLength: 4 },
          ),
        }),
        confidence,
        (fields, scores) => {
          const blocks = analysisBlocks({ schemaVersion: 1, ...fields, confidence: scores });
          expect(blocks.length).toBeLessThanOrEqual(50);
          for (const block of blocks) {
            const texts =
              block.type === "section"
                ? [block.text?.text ?? ""]
                : block.type === "context"
                  ? block.elements.map((e) => ("text" in e ? e.text : ""))
                  : [];
            for (const text of texts) expect(text.length).toBeLessThanOrEqual(3000);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

let engine: Engine;
let stack: GuruStack;

beforeAll(async () => {
  engine = await openTinyEngine({ slots: 2, contextSize: 2048 });
  stack = await openGuruStack(engine);
});

afterAll(async () => {
  await stack?.close();
  await engine?.close();
});

/**
 * A channel of its own for each Slack transport: the two fake Slacks number their messages alike,
 * and the service they share would take the second message with the same id for a redelivery.
 */
function slackChannel(transport: Transport): string {
  return `C0HOSTILE${transport.toUpperCase()}`;
}

/** A mention in Slack, delivered; resolves with Guru's replies in its thread once answered. */
async function mentionInSlack(transport: Transport, text: string) {
  const rig = stack.slack[transport];
  const channel = slackChannel(transport);
  const question = rig.slack.web.userPosts({ user: "U0HOSTILE", channel, text: `${guru} ${text}`.trim() });
  await rig.settle(appMention(question));
  const replies = rig.slack.web.botRepliesIn(channel, question.ts).map((m) => m.text);
  const address = { platform: "slack", space: workspace.teamId, channel, thread: question.ts };
  return { replies, stored: stack.service.remembered(address)?.messages[0]?.text };
}

/** The bot's messages that reply to a Discord message, once there is one and the bot is idle. */
async function repliesInDiscord(sent: SentMessage): Promise<string[]> {
  const { fake, bot } = stack.discord;
  const replies = () =>
    [...fake.world.messages.values()].filter(
      (m) => !m.deleted && m.message.message_reference?.message_id === sent.message.id,
    );
  await waitFor(() => replies().length > 0);
  await bot.idle();
  return replies().map((m) => m.message.content);
}

describe.each(["socket", "http"] satisfies Transport[])(
  "Slack over %s, given hostile messages",
  (transport) => {
    it("answers a 100,000-character message with a clear 'too long' reply", async () => {
      const { replies } = await mentionInSlack(transport, "x".repeat(100_000));
      expect(replies).toEqual([
        expect.stringMatching(
          /^:warning: Your message is 100,000 characters long; I read at most 8,000 at once\./,
        ),
      ]);
    });

    it("answers a message that is only a mention with help", async () => {
      expect((await mentionInSlack(transport, "")).replies).toEqual([toMrkdwn(helpText)]);
    });

    it("answers a DM that is only an attachment with help", async () => {
      const rig = stack.slack[transport];
      const channel = `D0${transport.toUpperCase()}FILE`;
      const upload = rig.slack.web.userPosts({ user: "U0HOSTILE", channel, text: "" });
      const body = messagePosted(upload, "im", { subtype: "file_share" });
      const files = [{ id: "F0SHOT", name: "screenshot.png", mimetype: "image/png" }];
      await rig.settle({ ...body, event: { ...body.event, upload: true, files } });
      expect(rig.slack.web.botMessagesIn(channel).map((m) => m.text)).toEqual([toMrkdwn(helpText)]);
    });

    it("answers a question full of control characters, broken surrogates, RTL and zero-width marks, and stores it clean", async () => {
      const question =
        "a\u0000b\u0007c\u001b[31m \uD800 \uDFFF \u202Eevil\u202C \u200B\u200F\uFEFF\u2060 what is 2+2?";
      const { replies, stored } = await mentionInSlack(transport, question);
      expect(replies).toEqual([expect.not.stringMatching(/^:warning:/)]);
      expect(stored).toBe("abc[31m \uFFFD \uFFFD \u202Eevil\u202C \u200B\u200F\uFEFF\u2060 what is 2+2?");
    });
  },
);

describe("Slack, given payloads it cannot read", () => {
  it("drops Socket Mode frames it cannot read without crashing, and keeps answering", async () => {
    const socket = stack.slack.socket.slack.socket;
    for (const frame of [
      "not json at all",
      '{"type":"events_api","envelope_id":"e1","payload":',
      JSON.stringify([1, 2, 3]),
      JSON.stringify({ type: "events_api", envelope_id: "e2", payload: null }),
      JSON.stringify({ type: "events_api", envelope_id: "e3", payload: {} }),
      JSON.stringify({ type: "events_api", envelope_id: "e4", payload: { type: "event_callback" } }),
      JSON.stringify({ type: "something_new", envelope_id: "e5", payload: { anything: 1 } }),
    ]) {
      socket.sendRaw(frame);
    }
    expect((await mentionInSlack("socket", "still there?")).replies).toEqual([
      expect.not.stringMatching(/^:warning:/),
    ]);
  });

  it.each(["socket", "http"] satisfies Transport[])(
    "over %s, takes events of unknown types, subtypes or missing fields without answering them",
    async (transport) => {
      const rig = stack.slack[transport];
      const channel = slackChannel(transport);
      const before = rig.slack.web.calls.length;
      await Promise.all(
        [
          eventCallback({ type: "message" }),
          eventCallback({ type: "app_mention", channel }),
          eventCallback({ type: "message", channel, user: "U0HOSTILE", text: `${guru} no ts` }),
          eventCallback({
            type: "reaction_added",
            user: "U0HOSTILE",
            reaction: "eyes",
            item: { type: "message" },
          }),
          eventCallback({
            type: "message",
            subtype: "channel_join",
            channel,
            user: "U0HOSTILE",
            ts: "1.1",
            text: "hi",
          }),
        ].map((event) => rig.event(event as EventCallback)),
      );
      await rig.bot.idle();
      expect(rig.slack.web.calls.slice(before)).toEqual([]);
      expect((await mentionInSlack(transport, "still there?")).replies).toEqual([
        expect.not.stringMatching(/^:warning:/),
      ]);
    },
  );

  it("answers unreadable HTTP requests with a client error, never a server error, and keeps answering", async () => {
    const endpoint = stack.slack.http.bot.endpoint ?? "";
    const bodies = [
      ['{"type":"event_callback","event":', "application/json"],
      ["", "application/json"],
      ["[]", "application/json"],
      [JSON.stringify({ type: "event_callback" }), "application/json"],
      [JSON.stringify({ type: "something_new" }), "application/json"],
      [stringify({ payload: "{not json" }), "application/x-www-form-urlencoded"],
    ] as const;
    const statuses = await Promise.all(
      bodies.map(async ([body, contentType]) => {
        const response = await postSigned(endpoint, { body, contentType, secret: workspace.signingSecret });
        return response.status;
      }),
    );
    expect(statuses.map((status) => status >= 400 && status < 500)).toEqual(bodies.map(() => true));
    expect((await mentionInSlack("http", "still there?")).replies).toEqual([
      expect.not.stringMatching(/^:warning:/),
    ]);
  });

  it.each(["socket", "http"] satisfies Transport[])(
    "over %s, tells the person a slash command it cannot read was not understood",
    async (transport) => {
      const rig = stack.slack[transport];
      const garbled = { command: "/guru", text: "ask hi", team_id: workspace.teamId };
      const ack =
        transport === "socket"
          ? (await rig.slack.socket.send("slash_commands", garbled)).payload
          : JSON.parse(
              (
                await postSigned(rig.bot.endpoint ?? "", {
                  body: stringify(garbled),
                  contentType: "application/x-www-form-urlencoded",
                  secret: workspace.signingSecret,
                })
              ).body,
            );
      expect(ack).toEqual({ response_type: "ephemeral", text: "Sorry, I could not read that command." });
    },
  );
});

const tooLong = /^⚠️ Your message is 100,000 characters long; I read at most 8,000 at once\./;

describe("Discord, given hostile messages", () => {
  it("answers a 100,000-character mention with a clear 'too long' reply", async () => {
    const replies = await repliesInDiscord(stack.discord.fake.userMessage({ content: "x".repeat(100_000) }));
    expect(replies).toEqual([expect.stringMatching(tooLong)]);
  });

  it("answers a 100,000-character /ask privately with the same reason", async () => {
    const { fake, bot } = stack.discord;
    const sent = fake.slashCommand({ name: "ask", prompt: "x".repeat(100_000) });
    await waitFor(() => callsFor(fake.requests, sent).callbacks.length > 0);
    await bot.idle();
    const [callback] = callsFor(fake.requests, sent).callbacks;
    expect([contentOf(callback), flagsOf(callback)]).toEqual([expect.stringMatching(tooLong), 64]);
  });

  it("answers a message that is only a mention with help", async () => {
    expect(await repliesInDiscord(stack.discord.fake.userMessage({ content: "" }))).toEqual([helpText]);
  });

  it("answers a DM that is only an attachment with help", async () => {
    const { fake } = stack.discord;
    const author = fake.world.users.bob;
    const channel = fake.world.dmWith(author);
    const created: APIMessage = {
      ...message({ id: fake.world.ids.next(), channelId: channel.id, author, content: "" }),
      attachments: [
        {
          id: fake.world.ids.next(),
          filename: "screenshot.png",
          size: 1024,
          url: "https://cdn.discordapp.invalid/s.png",
          proxy_url: "https://cdn.discordapp.invalid/s.png",
        },
      ],
    };
    fake.world.store(created, null);
    const sent = {
      t: GatewayDispatchEvents.MessageCreate,
      d: { ...created, channel_type: ChannelType.DM },
      intent: GatewayIntentBits.DirectMessages,
      at: performance.now(),
    };
    const seq = fake.redeliver(sent);
    expect(await repliesInDiscord({ ...sent, seq, message: created })).toEqual([helpText]);
  });

  it("ignores dispatches it cannot read, and keeps answering", async () => {
    const { fake } = stack.discord;
    const { world, gateway } = fake;
    const general = world.channels.general.id;
    const base = message({
      id: world.ids.next(),
      channelId: general,
      author: world.users.alice,
      content: `<@${world.bot.id}> hi`,
    });
    for (const [t, d] of [
      ["GURU_SOMETHING_NEW", { anything: 1 }],
      [
        GatewayDispatchEvents.MessageCreate,
        { ...base, id: world.ids.next(), channel_id: "1", guild_id: world.guildId },
      ],
      [
        GatewayDispatchEvents.MessageCreate,
        { ...base, id: world.ids.next(), type: 99, guild_id: world.guildId },
      ],
      [
        GatewayDispatchEvents.MessageCreate,
        { ...base, id: world.ids.next(), mentions: undefined, guild_id: world.guildId },
      ],
      [
        GatewayDispatchEvents.MessageCreate,
        { ...base, id: world.ids.next(), content: undefined, guild_id: world.guildId },
      ],
      [
        GatewayDispatchEvents.InteractionCreate,
        { id: world.ids.next(), type: 99, token: "t", version: 1, application_id: world.applicationId },
      ],
    ] as const) {
      gateway.dispatch(t as GatewayDispatchEvents, d, null);
    }
    const replies = await repliesInDiscord(fake.userMessage({ content: "still there?" }));
    expect(replies).toHaveLength(1);
    expect(replies[0]).not.toMatch(/^⚠️/);
  });
});
