import { describe, expect, it } from "vitest";
import { conversationKey } from "../../src/conversation/conversationAddress.js";
import { addresses, analyze, asker, openTestMemory, query, reply, say } from "./support.js";

const me = { platform: "slack", author: "U1" };

describe("what a person can see and remove", () => {
  it("shows everything remembered about a conversation", async () => {
    const { memory } = openTestMemory({ summarize: async () => "we talked" });
    const question = say(memory, addresses.slackThread, "first question");
    reply(memory, question, "first answer");
    analyze(memory, question, "first finding");
    await memory.foldHistory(addresses.slackThread, 0, asker);

    const remembered = memory.remembered(addresses.slackThread);

    expect(remembered).toMatchObject({
      key: conversationKey(addresses.slackThread),
      summary: { text: "we talked" },
      messages: [{ text: "first question" }, { text: "first answer" }],
      analyses: [{ summary: "first finding" }],
    });
    expect(memory.remembered(addresses.slackOtherThread)).toBeNull();
  });

  it("forgets a conversation: its messages, analyses, search entries and summary, and nothing else", async () => {
    const { memory, path } = openTestMemory({ summarize: async () => "we talked" });
    analyze(memory, say(memory, addresses.slackThread, "forget me"), "secret plan");
    await memory.foldHistory(addresses.slackThread, 0, asker);
    const kept = analyze(memory, say(memory, addresses.slackOtherThread, "keep me"), "public plan");

    expect(memory.forgetConversation(addresses.slackThread)).toBe(true);

    expect(query(path, "SELECT key FROM conversations")).toEqual([
      { key: conversationKey(addresses.slackOtherThread) },
    ]);
    expect(query(path, "SELECT text FROM messages")).toEqual([{ text: "keep me" }]);
    expect(query(path, "SELECT summary FROM analyses")).toEqual([{ summary: "public plan" }]);
    expect(query(path, "SELECT rowid AS id FROM analyses_fts")).toEqual([{ id: kept }]);
    expect(query(path, "SELECT * FROM summaries")).toEqual([]);
    const asked = say(memory, addresses.slackChannel, "plan");
    expect(memory.buildContext(asked, 100).analyses.map((analysis) => analysis.summary)).toEqual([
      "public plan",
    ]);
  });

  it("forgets everything from a person across conversations, with the replies and analyses of it", async () => {
    const { memory, path } = openTestMemory({ summarize: async () => "U1 and U2 talked" });
    const mine = say(memory, addresses.slackThread, "my question", "U1");
    reply(memory, mine, "answer to me");
    analyze(memory, mine, "my finding");
    say(memory, addresses.slackThread, "their remark", "U2");
    await memory.foldHistory(addresses.slackThread, 0, asker);
    say(memory, addresses.slackDm, "my private note", "U1");
    const theirs = say(memory, addresses.slackOtherChannel, "their question", "U2");
    analyze(memory, theirs, "their finding");
    say(memory, addresses.discordChannel, "same id, other platform", "U1");

    expect(memory.forgetUser(me)).toEqual({ messages: 3, analyses: 1 });

    expect(query(path, "SELECT text FROM messages ORDER BY id")).toEqual([
      { text: "their remark" },
      { text: "their question" },
      { text: "same id, other platform" },
    ]);
    expect(query(path, "SELECT summary FROM analyses")).toEqual([{ summary: "their finding" }]);
    expect(query(path, "SELECT * FROM summaries")).toEqual([]);
    expect(memory.remembered(addresses.slackDm)).toBeNull();
  });

  it("exports a person's messages, the replies to them and their analyses, as JSON", () => {
    const { memory } = openTestMemory();
    const mine = say(memory, addresses.slackThread, "my question", "U1");
    reply(memory, mine, "answer to me");
    analyze(memory, mine, "my finding");
    say(memory, addresses.slackThread, "their remark", "U2");
    say(memory, addresses.slackDm, "my private note", "U1");

    const exported = JSON.parse(JSON.stringify(memory.exportUser(me)));

    expect(exported).toEqual({
      exportedAt: "2025-01-01T00:00:00.000Z",
      user: me,
      conversations: [
        expect.objectContaining({
          key: conversationKey(addresses.slackThread),
          messages: [
            expect.objectContaining({ role: "user", author: "U1", text: "my question" }),
            expect.objectContaining({ role: "assistant", text: "answer to me", replyTo: mine.id }),
          ],
          analyses: [expect.objectContaining({ summary: "my finding", result: { finding: "my finding" } })],
        }),
        expect.objectContaining({
          key: conversationKey(addresses.slackDm),
          messages: [expect.objectContaining({ text: "my private note" })],
          analyses: [],
        }),
      ],
    });
  });
});
