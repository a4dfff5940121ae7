import { afterEach, describe, expect, it, vi } from "vitest";
import { SlackBot } from "../../src/bots/slack/slackBot.js";
import type { SlackConversations } from "../../src/bots/slack/slackConversations.js";
import { configSchema } from "../../src/config/configSchema.js";
import { silentLogger } from "../../src/log/logger.js";
import { query } from "../memory/support.js";
import { appMention } from "../support/fakeSlack/events.js";
import type { SlackMessage } from "../support/fakeSlack/webApi.js";
import { people, places, workspace } from "../support/fakeSlack/workspace.js";
import { type GuruService, openGuruService, useSlackTestEngine } from "./guruService.js";
import { openSlackRig, type SlackRig, secrets } from "./slackRig.js";

const engine = useSlackTestEngine();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real service, except that the reply stops after "started", as in a process killed mid-answer. */
function stalledAfterStart(
  real: GuruService["service"],
  hang: Promise<void>,
  notesPlaceholder: boolean,
): SlackConversations {
  return {
    async *handle(request) {
      for await (const update of real.handle(request)) {
        yield update;
        if (update.type === "started") {
          await hang;
          return;
        }
      }
    },
    refusal: (address, author) => real.refusal(address, author),
    remembered: (address) => real.remembered(address),
    memoryView: (address) => real.memoryView(address),
    lastSeenMessageId: (address) => real.lastSeenMessageId(address),
    forgetConversation: (address) => real.forgetConversation(address),
    forgetUser: (user) => real.forgetUser(user),
    exportUser: (user) => real.exportUser(user),
    statusDescription: () => real.statusDescription(),
    persona: (address) => real.persona(address),
    setPersona: (address, text, changedBy) => real.setPersona(address, text, changedBy),
    resetPersona: (address) => real.resetPersona(address),
    claimInterrupted: (platform) => real.claimInterrupted(platform),
    regenerate: (target, by) => real.regenerate(target, by),
    locateReply: (eventId, locator) => {
      if (notesPlaceholder) real.locateReply(eventId, locator);
    },
  };
}

/**
 * A Guru that showed "thinking…" for a question and died: its database closed, its lease gone.
 * `notesPlaceholder` false: it died between posting the placeholder and noting its ts.
 */
async function killedWhileAnswering(notesPlaceholder = true): Promise<{
  rig: SlackRig;
  question: SlackMessage;
  databasePath: string;
}> {
  const killed = openGuruService(engine());
  let release = () => {};
  const hang = new Promise<void>((resolve) => {
    release = resolve;
  });
  const rig = await openSlackRig("http", stalledAfterStart(killed.service, hang, notesPlaceholder));
  cleanups.push(() => rig.close(), release);
  const question = rig.slack.web.userPosts({
    user: people.alice,
    channel: places.general,
    text: `<@${workspace.botUserId}> what is a lease?`,
  });
  await rig.event(appMention(question));
  await rig.slack.web.waitFor(() => rig.slack.web.botRepliesIn(places.general, question.ts)[0]);
  const noted = () =>
    query<{ locator: string }>(killed.databasePath, "SELECT locator FROM pending_replies")[0]?.locator;
  if (notesPlaceholder) await vi.waitFor(() => expect(noted()).toContain('"ts"'));
  else expect(noted()).not.toContain('"ts"');
  killed.close();
  return { rig, question, databasePath: killed.databasePath };
}

/** Guru started again on the same database: its Slack bot against the same Slack. */
async function restartedBot(rig: SlackRig, databasePath: string, resumeWithinMs?: number): Promise<SlackBot> {
  const restarted = openGuruService(engine(), {
    databasePath,
    ...(resumeWithinMs === undefined ? {} : { resumeWithinMs }),
  });
  const bot = new SlackBot({
    service: restarted.service,
    config: configSchema.parse({
      slack: { mode: "http", apiUrl: rig.slack.apiUrl, http: { port: 0 }, editIntervalMs: 200 },
    }),
    secrets,
    logger: silentLogger,
    retry: { attempts: 3, backoffMs: 20, timeoutMs: 5000 },
  });
  await bot.start();
  cleanups.push(async () => {
    await bot.stop();
    restarted.close();
  });
  return bot;
}

function repliesTo(databasePath: string, questionTs: string) {
  return query<{ status: string; status_reason: string | null; text: string }>(
    databasePath,
    `SELECT r.status, r.status_reason, r.text FROM messages r JOIN messages q ON q.id = r.reply_to
     WHERE q.platform_message_id = ?`,
    questionTs,
  );
}

describe("Slack: a reply a killed Guru left saying thinking…", () => {
  it("is edited into the answer when Guru restarts soon after — by one of two restarted processes, once", async () => {
    const { rig, question, databasePath } = await killedWhileAnswering();
    const placeholder = rig.slack.web.botRepliesIn(places.general, question.ts)[0];
    const postsBefore = rig.slack.web.callsTo("chat.postMessage").length;

    await Promise.all([restartedBot(rig, databasePath), restartedBot(rig, databasePath)]);
    await vi.waitFor(() => expect(repliesTo(databasePath, question.ts)).toHaveLength(1), { timeout: 30_000 });

    expect(repliesTo(databasePath, question.ts)[0]?.status).toBe("complete");
    // Shown where the placeholder was: the same message, now the stored answer, and no other.
    const shown = rig.slack.web.botRepliesIn(places.general, question.ts);
    expect(shown.map((m) => m.ts)).toEqual([placeholder?.ts]);
    await vi.waitFor(() => expect(shown[0]?.text).not.toMatch(/thinking/));
    expect(shown[0]?.text.length).toBeGreaterThan(0);
    expect(rig.slack.web.callsTo("chat.postMessage")).toHaveLength(postsBefore);
  });

  it("is edited into a note to ask again when the question is too old to pick up", async () => {
    const { rig, question, databasePath } = await killedWhileAnswering();
    await restartedBot(rig, databasePath, 0);
    const placeholder = await rig.slack.web.waitFor(() => {
      const shown = rig.slack.web.botRepliesIn(places.general, question.ts);
      return shown.length === 1 && /restarted/.test(shown[0]?.text ?? "") && shown[0];
    });
    expect(placeholder.text).toMatch(/I was restarted before I could answer this.*Please ask again/);
    await vi.waitFor(() =>
      expect(repliesTo(databasePath, question.ts)).toEqual([
        { status: "interrupted", status_reason: "RESTARTED", text: "" },
      ]),
    );
    const edits = rig.slack.web.callsTo("chat.update").filter((call) => call.args.ts === placeholder.ts);
    expect(edits.filter((call) => /restarted/.test(String(call.args.text)))).toHaveLength(1);
  });

  it("is found by its marker and edited when the killed Guru never noted where it was", async () => {
    const { rig, question, databasePath } = await killedWhileAnswering(false);
    const placeholder = rig.slack.web.botRepliesIn(places.general, question.ts)[0];
    await restartedBot(rig, databasePath, 0);
    await vi.waitFor(() =>
      expect(rig.slack.web.botRepliesIn(places.general, question.ts).map((m) => [m.ts, m.text])).toEqual([
        [placeholder?.ts, expect.stringMatching(/I was restarted/)],
      ]),
    );
  });
});
