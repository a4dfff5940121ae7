import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import { isGuruError } from "../../src/errors.js";
import type { Memory } from "../../src/memory/memory.js";
import { indexedText } from "../../src/memory/searchTerms.js";
import { addresses, analyze, openTestMemory, query, say } from "./support.js";

const secret = "kubernetes migration plan";

/** Stores, in each given conversation, an analysis matching `secret`, labelled with where it came from. */
function seed(memory: Memory, places: Record<string, ConversationAddress>): void {
  for (const [label, address] of Object.entries(places)) {
    analyze(memory, say(memory, address, `tell me about the ${secret}`), secret, label);
  }
}

/** The labels of the analyses a question in `address` retrieves. */
function visibleFrom(memory: Memory, address: ConversationAddress): string[] {
  const question = say(memory, address, `what was the ${secret}?`);
  return memory
    .buildContext(question, 1000)
    .analyses.map((analysis) => analysis.summary)
    .sort();
}

describe("the privacy boundary", () => {
  it("lets a thread see the analyses of its own channel, including sibling threads", () => {
    const { memory } = openTestMemory();
    seed(memory, { channel: addresses.slackChannel, sibling: addresses.slackOtherThread });

    expect(visibleFrom(memory, addresses.slackThread)).toEqual(["channel", "sibling"]);
  });

  it("never shows a DM's analyses in a channel answer", () => {
    const { memory } = openTestMemory();
    seed(memory, { dm: addresses.slackDm });

    expect(visibleFrom(memory, addresses.slackChannel)).toEqual([]);
    expect(visibleFrom(memory, addresses.slackThread)).toEqual([]);
  });

  it("never shows a channel's analyses in a DM", () => {
    const { memory } = openTestMemory();
    seed(memory, { channel: addresses.slackChannel, thread: addresses.slackThread });

    expect(visibleFrom(memory, addresses.slackDm)).toEqual([]);
  });

  it("never shows one workspace's analyses in another, even for the same channel id", () => {
    const { memory } = openTestMemory();
    seed(memory, { home: addresses.slackChannel });

    expect(visibleFrom(memory, addresses.otherWorkspaceChannel)).toEqual([]);
  });

  it("never shows one channel's analyses in another channel, or on another platform", () => {
    const { memory } = openTestMemory();
    seed(memory, { home: addresses.slackChannel });

    expect(visibleFrom(memory, addresses.slackOtherChannel)).toEqual([]);
    expect(visibleFrom(memory, addresses.discordChannel)).toEqual([]);
  });

  it("re-checks each hit's channel, so a wrong search-index entry never crosses the boundary", () => {
    const { memory, path } = openTestMemory();
    say(memory, addresses.slackChannel, "hello");
    seed(memory, { dm: addresses.slackDm });
    const [channel] = query<{ scopeId: number }>(
      path,
      "SELECT scope_id AS scopeId FROM conversations WHERE channel = ?",
      addresses.slackChannel.channel,
    );
    // The DM's analysis indexed under the channel's words, as a corrupted index would have it.
    const db = new Sqlite(path);
    db.prepare("UPDATE analyses_fts SET body = ?").run(indexedText(channel?.scopeId ?? 0, secret));
    db.close();

    expect(visibleFrom(memory, addresses.slackChannel)).toEqual([]);
  });

  it("confines a thread to its own analyses when the scope is narrowed to threads", () => {
    const { memory } = openTestMemory({ scope: "thread" });
    seed(memory, {
      own: addresses.slackThread,
      channel: addresses.slackChannel,
      sibling: addresses.slackOtherThread,
    });

    expect(visibleFrom(memory, addresses.slackThread)).toEqual(["own"]);
  });

  it("refuses any scope wider than the channel", () => {
    let error: unknown;
    try {
      openTestMemory({ scope: "workspace" as "channel" });
    } catch (caught) {
      error = caught;
    }

    expect(isGuruError(error, "CONFIG_INVALID")).toBe(true);
  });

  it("builds history from the conversation's own turns only", () => {
    const { memory } = openTestMemory();
    say(memory, addresses.slackOtherThread, "sibling thread talk");
    say(memory, addresses.slackChannel, "channel talk");
    say(memory, addresses.slackThread, "my thread talk");
    const question = say(memory, addresses.slackThread, "and now?");

    expect(memory.buildContext(question, 1000).turns.map((turn) => turn.text)).toEqual(["my thread talk"]);
  });
});
