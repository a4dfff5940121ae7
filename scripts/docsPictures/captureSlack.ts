import { ScriptedEngine } from "../../test/discord/scriptedEngine.js";
import { openSlackRig } from "../../test/slack/slackRig.js";
import { appMention } from "../../test/support/fakeSlack/events.js";
import { people, places, workspace } from "../../test/support/fakeSlack/workspace.js";
import { openServiceRig } from "../../test/support/serviceHarness.js";
import { analysisQuestion, answer, modelAnalysis, question, tokenConfidences } from "./exchanges.js";

/** A message as Slack would show it in the thread. */
export interface SlackShown {
  readonly author: string;
  readonly isBot: boolean;
  /** mrkdwn, as posted. */
  readonly text: string;
  readonly blocks: readonly unknown[] | null;
}

export interface SlackThread {
  readonly channel: string;
  /** Display names by user id, for mentions. */
  readonly names: Readonly<Record<string, string>>;
  readonly messages: readonly SlackShown[];
}

/**
 * Asks Guru's real Slack front (Bolt over Socket Mode, the conversation service, SQLite) a question
 * and then an analysis in the same thread, against the fake Slack, and returns the thread as the
 * fake holds it once every edit has landed.
 */
export async function captureSlackThread(): Promise<SlackThread> {
  const engine = new ScriptedEngine({ chunkChars: 48, delayMs: 1 });
  const services = openServiceRig(engine);
  const rig = await openSlackRig("socket", services.service);
  try {
    const mention = `<@${workspace.botUserId}>`;
    engine.say(answer);
    const root = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      text: `${mention} ${question}`,
    });
    await rig.settle(appMention(root));
    engine.say(JSON.stringify(modelAnalysis), tokenConfidences);
    const followUp = rig.slack.web.userPosts({
      user: people.alice,
      channel: places.general,
      threadTs: root.ts,
      text: `${mention} analyze ${analysisQuestion}`,
    });
    await rig.settle(appMention(followUp));
    const names: Record<string, string> = { [people.alice]: "Alice", [workspace.botUserId]: "Guru" };
    const messages = rig.slack.web.messages
      .filter(
        (m) => m.channel === places.general && !m.deleted && (m.ts === root.ts || m.threadTs === root.ts),
      )
      .map((m) => ({
        author: names[m.user] ?? m.user,
        isBot: m.botId !== undefined,
        text: m.text,
        blocks: m.blocks ?? null,
      }));
    return { channel: "general", names, messages };
  } finally {
    await rig.close();
    services.close();
  }
}
