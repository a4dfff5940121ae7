import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FakeDiscord } from "../support/fakeDiscord/fakeDiscord.js";
import { killLeftoverGuru, startGuru } from "../support/guruServer.js";
import { tinyModelPath } from "../support/tinyModel.js";

interface Row {
  readonly role: string;
  readonly status: string;
  readonly status_reason: string | null;
  readonly reply_to: number | null;
  readonly text: string;
  readonly id: number;
}

function rows(dataDir: string): Row[] {
  const db = new Database(join(dataDir, "guru.db"), { readonly: true });
  try {
    return db
      .prepare("SELECT id, role, status, status_reason, reply_to, text FROM messages ORDER BY id")
      .all() as Row[];
  } finally {
    db.close();
  }
}

function integrity(dataDir: string): string {
  const db = new Database(join(dataDir, "guru.db"), { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

/** Every stored question has exactly one reply row. */
function unansweredQuestions(all: readonly Row[]): number[] {
  const replied = new Map<number, number>();
  for (const row of all)
    if (row.reply_to !== null) replied.set(row.reply_to, (replied.get(row.reply_to) ?? 0) + 1);
  return all.filter((row) => row.role === "user" && replied.get(row.id) !== 1).map((row) => row.id);
}

describe("guru start with Discord, as a process", () => {
  let fake: FakeDiscord;
  let model: string;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    model = await tinyModelPath();
  });

  afterAll(async () => {
    killLeftoverGuru();
    await fake.close();
  });

  function environment(dataDir: string, engine: Record<string, unknown>): Record<string, string> {
    const configFile = join(dataDir, "guru.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        engine: { slots: 1, maxTokens: 64, ...engine },
        discord: { registerCommandsAtStart: false, editIntervalMs: 200 },
      }),
    );
    return {
      GURU_MODEL: model,
      GURU_DATA_DIR: dataDir,
      GURU_CONFIG: configFile,
      GURU_LOG_LEVEL: "debug",
      DISCORD_TOKEN: fake.world.token,
      DISCORD_API_URL: fake.apiUrl,
    };
  }

  function botContents(): string[] {
    return fake
      .messagesIn(fake.world.channels.general.id)
      .filter((stored) => !stored.deleted && stored.message.author.id === fake.world.bot.id)
      .map((stored) => stored.message.content);
  }

  function botMessages(): number {
    return botContents().length;
  }

  it("on SIGTERM stops cleanly: every question is answered or marked cut short, in SQLite and in Discord; a restart sends nothing again", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-e2e-"));
    // Answers of hundreds to thousands of tokens, so SIGTERM meets answers still being written.
    const env = environment(dataDir, { drainGraceMs: 0, slots: 2, maxTokens: 3000 });
    const guru = startGuru(["start"], env, dataDir);
    await guru.waitForOutput(/Guru is listening on discord/i);
    const people = [fake.world.users.alice, fake.world.users.bob];
    const sent = Array.from({ length: 6 }, (_, i) =>
      fake.userMessage({ content: `question ${i}`, author: people[i % 2] }),
    );
    await vi.waitFor(() => expect(rows(dataDir).filter((r) => r.role === "user")).toHaveLength(6), {
      timeout: 20_000,
    });
    // An answer has started streaming: its placeholder shows text.
    await vi.waitFor(
      () => expect(botContents().some((content) => content && !/^(✍️|⏳)/u.test(content))).toBe(true),
      { timeout: 20_000, interval: 10 },
    );
    expect(await guru.stop("SIGTERM")).toBe(0);
    expect(guru.output()).toContain("stopped cleanly");
    expect(integrity(dataDir)).toBe("ok");
    const afterStop = rows(dataDir);
    expect(afterStop.filter((r) => r.role === "user")).toHaveLength(6);
    expect(unansweredQuestions(afterStop)).toEqual([]);
    for (const row of afterStop.filter((r) => r.role === "assistant" && r.status !== "complete")) {
      expect(row.status_reason).toMatch(/SHUTTING_DOWN|CANCELLED/);
    }
    // At least one answer was really cut short mid-way, and Discord shows what there was and says so.
    const cutShort = afterStop.filter(
      (r) => r.role === "assistant" && r.status === "interrupted" && r.text.trim() !== "",
    );
    expect(cutShort.length).toBeGreaterThan(0);
    expect(
      botContents().filter((content) => content.includes("Cut short: Guru is shutting down")),
    ).toHaveLength(cutShort.length);
    const repliesBefore = botMessages();
    const restarted = startGuru(["start"], env, dataDir);
    await restarted.waitForOutput(/Guru is listening on discord/i);
    for (const message of sent) fake.redeliver(message);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await restarted.stop("SIGINT")).toBe(0);
    expect(botMessages()).toBe(repliesBefore);
    expect(rows(dataDir)).toHaveLength(afterStop.length);
    const output = guru.output() + restarted.output();
    expect(output).not.toContain(fake.world.token);
  });

  it("after SIGKILL mid-burst the database opens intact and every accepted question is answered or reported interrupted", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "guru-e2e-"));
    // Short timeouts so the restarted process may declare the killed one's questions abandoned.
    const env = environment(dataDir, { requestTimeoutMs: 500, drainGraceMs: 0 });
    const guru = startGuru(["start"], env, dataDir);
    await guru.waitForOutput(/Guru is listening on discord/i);
    for (let i = 0; i < 8; i += 1) fake.userMessage({ content: `burst ${i}` });
    await vi.waitFor(
      () => expect(rows(dataDir).filter((r) => r.role === "user").length).toBeGreaterThanOrEqual(3),
      {
        timeout: 20_000,
      },
    );
    expect(await guru.stop("SIGKILL")).toBe("SIGKILL");
    expect(integrity(dataDir)).toBe("ok");
    const accepted = rows(dataDir).filter((r) => r.role === "user").length;
    // Past the killed process's request timeout + grace + margin, nothing of it can still be running.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const restarted = startGuru(["start"], env, dataDir);
    await restarted.waitForOutput(/Guru is listening on discord/i);
    expect(await restarted.stop("SIGTERM")).toBe(0);
    const after = rows(dataDir);
    expect(after.filter((r) => r.role === "user")).toHaveLength(accepted);
    expect(unansweredQuestions(after)).toEqual([]);
  });
});
