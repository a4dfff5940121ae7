import { describe, expect, it } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import type { Memory } from "../../src/memory/memory.js";
import { addresses, analyze, openTestMemory, say } from "./support.js";

const topic = "postgres failover runbook";

/** Stores, in each given conversation, an analysis matching `topic`, labelled with where it came from. */
function seed(memory: Memory, places: Record<string, ConversationAddress>): void {
  for (const [label, address] of Object.entries(places)) {
    analyze(memory, say(memory, address, `review the ${topic}`), topic, label);
  }
}

function found(memory: Memory, address: ConversationAddress, query = topic, limit = 10): string[] {
  return memory
    .searchAnalyses(address, query, limit)
    .map((analysis) => analysis.summary)
    .sort();
}

describe("searching prior analyses", () => {
  it("finds a channel's analyses, its threads' included, from the channel or any of its threads", () => {
    const { memory } = openTestMemory();
    seed(memory, { channel: addresses.slackChannel, thread: addresses.slackThread });

    expect(found(memory, addresses.slackChannel)).toEqual(["channel", "thread"]);
    expect(found(memory, addresses.slackOtherThread)).toEqual(["channel", "thread"]);
  });

  it("keeps a DM and a channel apart, both ways", () => {
    const { memory } = openTestMemory();
    seed(memory, { dm: addresses.slackDm, channel: addresses.slackChannel });

    expect(found(memory, addresses.slackDm)).toEqual(["dm"]);
    expect(found(memory, addresses.slackChannel)).toEqual(["channel"]);
  });

  it("never reaches another space, channel or platform, even for the same channel id", () => {
    const { memory } = openTestMemory();
    seed(memory, { home: addresses.slackChannel });

    expect(found(memory, addresses.otherWorkspaceChannel)).toEqual([]);
    expect(found(memory, addresses.slackOtherChannel)).toEqual([]);
    expect(found(memory, addresses.discordChannel)).toEqual([]);
  });

  it("sees only its own conversation under the thread scope", () => {
    const { memory } = openTestMemory({ scope: "thread" });
    seed(memory, { channel: addresses.slackChannel, thread: addresses.slackThread });

    expect(found(memory, addresses.slackThread)).toEqual(["thread"]);
    expect(found(memory, addresses.slackOtherThread)).toEqual([]);
  });

  it("ranks by relevance, honours the limit, and finds nothing for a query without a searchable word", () => {
    const { memory } = openTestMemory();
    analyze(memory, say(memory, addresses.slackChannel, "a"), "postgres failover", "both words");
    analyze(memory, say(memory, addresses.slackChannel, "b"), "postgres vacuum", "one word");

    expect(
      memory.searchAnalyses(addresses.slackChannel, "postgres failover", 1).map((a) => a.summary),
    ).toEqual(["both words"]);
    expect(found(memory, addresses.slackChannel, "the of and")).toEqual([]);
    expect(found(memory, addresses.slackChannel, "postgres", 0)).toEqual([]);
  });

  it("finds nothing in a scope that has never had a message", () => {
    const { memory } = openTestMemory();
    expect(found(memory, { platform: "mcp", space: "editor", channel: "default", thread: null })).toEqual([]);
  });
});
