import { describe, expect, it } from "vitest";
import { addresses, analyze, openTestMemory, query, reply, say } from "./support.js";

const day = 24 * 60 * 60 * 1000;

describe("retention", () => {
  it("prunes messages older than the retention period, with their replies and analyses", () => {
    const { memory, path, clock } = openTestMemory({ retentionDays: 30 });
    const old = say(memory, addresses.slackThread, "old question");
    reply(memory, old, "old answer");
    analyze(memory, old, "old finding");
    clock.now += 20 * day;
    say(memory, addresses.slackThread, "recent question");
    clock.now += 11 * day;

    expect(memory.pruneExpired()).toMatchObject({ messages: 2, conversations: 0 });

    expect(query(path, "SELECT text FROM messages")).toEqual([{ text: "recent question" }]);
    expect(query(path, "SELECT * FROM analyses")).toEqual([]);
    expect(query(path, "SELECT * FROM analyses_fts")).toEqual([]);
  });

  it("removes conversations left empty", () => {
    const { memory, path, clock } = openTestMemory({ retentionDays: 1 });
    say(memory, addresses.slackDm, "ephemeral");
    clock.now += 2 * day;

    expect(memory.pruneExpired()).toMatchObject({ messages: 1, conversations: 1 });
    expect(query(path, "SELECT * FROM conversations")).toEqual([]);
    expect(query(path, "SELECT * FROM scopes")).toEqual([]);
  });

  it("keeps everything when no retention period is set", () => {
    const { memory, path, clock } = openTestMemory({ retentionDays: null });
    say(memory, addresses.slackThread, "kept forever");
    clock.now += 3650 * day;

    expect(memory.pruneExpired()).toMatchObject({ messages: 0, conversations: 0 });
    expect(query(path, "SELECT text FROM messages")).toEqual([{ text: "kept forever" }]);
  });

  it("prunes expired rows when the database is opened", () => {
    const { memory, path, clock, reopen } = openTestMemory({ retentionDays: 7 });
    say(memory, addresses.slackThread, "stale");
    memory.close();
    clock.now += 8 * day;

    reopen();

    expect(query(path, "SELECT * FROM messages")).toEqual([]);
  });

  it("forgets handled event ids after a week, whatever the retention", () => {
    const { memory, clock } = openTestMemory({ retentionDays: null });
    memory.claimEvent("Ev1");
    clock.now += 8 * day;

    expect(memory.pruneExpired()).toMatchObject({ events: 1 });
    expect(memory.claimEvent("Ev1")).toBe(true);
  });
});
