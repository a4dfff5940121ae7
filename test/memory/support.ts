import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { onTestFinished } from "vitest";
import type { ConversationAddress } from "../../src/conversation/conversationAddress.js";
import {
  type FoldRequest,
  Memory,
  type MemoryOptions,
  type StoredMessage,
  type Summarize,
} from "../../src/memory/memory.js";

/** One token per word keeps budgets easy to reason about in tests. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

export const addresses = {
  slackChannel: { platform: "slack", space: "T1", channel: "C1", thread: null },
  slackThread: { platform: "slack", space: "T1", channel: "C1", thread: "1712.0001" },
  slackOtherThread: { platform: "slack", space: "T1", channel: "C1", thread: "1712.0002" },
  slackOtherChannel: { platform: "slack", space: "T1", channel: "C2", thread: null },
  otherWorkspaceChannel: { platform: "slack", space: "T2", channel: "C1", thread: null },
  slackDm: { platform: "slack", space: null, channel: "D1", thread: null },
  discordChannel: { platform: "discord", space: "G1", channel: "C1", thread: null },
} satisfies Record<string, ConversationAddress>;

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guru-memory-"));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestMemory {
  memory: Memory;
  path: string;
  clock: { now: number };
  /** Reopens the same file, as a restarted process would. */
  reopen(options?: Partial<MemoryOptions>): Memory;
}

export const summarizeNothing: Summarize = async () => "";

/** Whom a test's fold is for. */
export const asker: FoldRequest = { requester: "slack:U1" };

export function openTestMemory(options: Partial<MemoryOptions> = {}): TestMemory {
  const file = path.join(tempDir(), "guru.db");
  const clock = { now: Date.UTC(2025, 0, 1) };
  const open = (overrides: Partial<MemoryOptions>): Memory => {
    const memory = new Memory({
      path: file,
      countTokens: countWords,
      summarize: summarizeNothing,
      now: () => clock.now,
      ...options,
      ...overrides,
    });
    onTestFinished(() => closeQuietly(memory));
    return memory;
  };
  return { memory: open({}), path: file, clock, reopen: open };
}

function closeQuietly(memory: Memory): void {
  try {
    memory.close();
  } catch {
    // Already closed by the test.
  }
}

let platformIds = 0;

/** Stores a new inbound message and returns it. */
export function say(
  memory: Memory,
  address: ConversationAddress,
  text: string,
  author = "U1",
): StoredMessage {
  platformIds += 1;
  const result = memory.recordInbound({ address, author, text, platformMessageId: `p${platformIds}` });
  if (!result.isNew) throw new Error("expected a new message");
  return result.message;
}

export function reply(memory: Memory, question: StoredMessage, text: string): StoredMessage {
  const stored = memory.recordReply({ inReplyTo: question.id, author: "guru", text, status: "complete" });
  if (stored === null) throw new Error("expected the reply to be stored");
  return stored;
}

/** Stores an analysis answering `message`, searchable by `searchText`. */
export function analyze(
  memory: Memory,
  message: StoredMessage,
  searchText: string,
  summary = searchText,
): number {
  const stored = memory.recordAnalysis({
    answeredMessageId: message.id,
    schemaVersion: 1,
    json: JSON.stringify({ finding: searchText }),
    confidence: 0.8,
    summary,
    searchText,
  });
  if (stored === null) throw new Error("expected the analysis to be stored");
  return stored.id;
}

/** Reads the file through a second connection: what is really stored. */
export function query<T = Record<string, unknown>>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(file, { fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
