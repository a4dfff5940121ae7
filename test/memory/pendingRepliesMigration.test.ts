import path from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate, migrations } from "../../src/memory/migrations.js";
import { addresses, openTestMemory, query, tempDir } from "./support.js";

/** The step that added pending replies, found by what it creates (its number may change at merge). */
const pendingStep = migrations.findIndex((m) => m.sql.includes("CREATE TABLE pending_replies"));

describe("the migration to pending replies", () => {
  it("keeps one reply per question (a complete one first) and leaves an older Guru's unanswered question to be marked", () => {
    const file = path.join(tempDir(), "older.db");
    const db = new Sqlite(file);
    migrate(db, migrations.slice(0, pendingStep));
    db.exec(`
      INSERT INTO scopes (id, key) VALUES (1, 's');
      INSERT INTO conversations (id, key, scope_id, platform, space, channel, thread, created_at)
        VALUES (1, 'slack:T1:C1:1712.0001', 1, 'slack', 'T1', 'C1', '1712.0001', 0);
      INSERT INTO messages (id, conversation_id, scope_id, role, author, text, platform_message_id, status, token_count, created_at)
        VALUES (1, 1, 1, 'user', 'U1', 'q1', 'm1', 'complete', 1, 0),
               (2, 1, 1, 'user', 'U1', 'q2', 'm2', 'complete', 1, 0);
      INSERT INTO messages (id, conversation_id, scope_id, role, author, text, reply_to, status, status_reason, token_count, created_at)
        VALUES (3, 1, 1, 'assistant', 'guru', '', 1, 'interrupted', 'PROCESS_ENDED', 0, 0),
               (4, 1, 1, 'assistant', 'guru', 'late answer', 1, 'complete', NULL, 2, 0);
    `);
    db.close();

    const { memory } = openTestMemory({ path: file });
    expect(query(file, "SELECT id, text FROM messages WHERE reply_to = 1")).toEqual([
      { id: 4, text: "late answer" },
    ]);
    expect(memory.interruptUnplacedOrphans("PROCESS_ENDED")).toBe(1);
    expect(memory.remembered(addresses.slackThread)?.messages.at(-1)).toMatchObject({
      replyTo: 2,
      status: "interrupted",
    });
  });
});
