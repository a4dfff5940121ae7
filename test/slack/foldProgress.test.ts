import { describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import { messagePosted } from "../support/fakeSlack/events.js";
import { people, places } from "../support/fakeSlack/workspace.js";
import { seedLongHistoryIn, useFoldingEngine, watchingSummaries } from "../support/longHistory.js";
import { openGuruService } from "./guruService.js";
import { openSlackRig } from "./slackRig.js";

const aliceDm: ConversationAddress = {
  platform: "slack",
  space: null,
  channel: places.aliceDm,
  thread: null,
};

const engine = useFoldingEngine();

describe("Slack: a question whose long history is folded first", () => {
  it("gets its placeholder before the summarizer's generation starts, then the answer in it", async () => {
    const placeholdersAtSummary: string[][] = [];
    let postedTexts = (): string[] => [];
    const guru = openGuruService(
      watchingSummaries(engine(), () => placeholdersAtSummary.push(postedTexts())),
    );
    seedLongHistoryIn(guru.databasePath, engine(), aliceDm, people.alice);
    const rig = await openSlackRig("socket", guru.service);
    postedTexts = () => rig.slack.web.callsTo("chat.postMessage").map((call) => String(call.args.text));
    try {
      const message = rig.slack.web.userPosts({
        user: people.alice,
        channel: places.aliceDm,
        text: "and refunds?",
      });
      await rig.settle(messagePosted(message, "im"));

      expect(placeholdersAtSummary.length).toBeGreaterThan(0);
      expect(placeholdersAtSummary[0]).toEqual(["_reading back through this conversation…_"]);
      const [reply] = rig.slack.web.botMessagesIn(places.aliceDm);
      expect(reply?.edited).toBe(true);
      expect(reply?.text).not.toContain("reading back");
      expect(guru.service.remembered(aliceDm)?.summary).not.toBeNull();
    } finally {
      await rig.close();
      guru.close();
    }
  }, 120_000);
});
