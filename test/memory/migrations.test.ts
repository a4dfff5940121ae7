import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { isGuruError } from "../../src/errors.js";
import { openDatabase } from "../../src/memory/database.js";
import { latestVersion, migrate, migrations, readSchemaVersion } from "../../src/memory/migrations.js";
import { addresses, openTestMemory, query, say, tempDir } from "./support.js";

const tables = (file: string) =>
  query<{ name: string }>(file, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").map(
    (row) => row.name,
  );

function withDatabase<T>(file: string, work: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describe("schema migrations", () => {
  it("create the latest schema in an empty file and record its version", () => {
    const { memory, path: file } = openTestMemory();
    memory.close();

    expect(query(file, "PRAGMA user_version")).toEqual([{ user_version: latestVersion(migrations) }]);
    expect(tables(file)).toEqual(
      expect.arrayContaining([
        "analyses",
        "analyses_fts",
        "conversations",
        "messages",
        "processed_events",
        "scopes",
        "summaries",
      ]),
    );
  });

  it("change nothing when re-run on an up-to-date database, and keep its rows", () => {
    const { memory, path: file, reopen } = openTestMemory();
    say(memory, addresses.slackChannel, "hello there");
    memory.close();
    const schemaBefore = query(file, "SELECT sql FROM sqlite_schema ORDER BY name");

    reopen().close();

    expect(query(file, "SELECT sql FROM sqlite_schema ORDER BY name")).toEqual(schemaBefore);
    expect(query(file, "SELECT text FROM messages")).toEqual([{ text: "hello there" }]);
  });

  it("apply only the steps a database lacks, in order", () => {
    const file = path.join(tempDir(), "steps.db");
    const steps = [
      { version: 1, sql: "CREATE TABLE one (x)" },
      { version: 2, sql: "CREATE TABLE two (x)" },
    ];
    withDatabase(file, (db) => migrate(db, steps.slice(0, 1)));
    withDatabase(file, (db) => migrate(db, steps));
    withDatabase(file, (db) => migrate(db, steps));

    expect(tables(file)).toEqual(["one", "two"]);
    expect(withDatabase(file, readSchemaVersion)).toBe(2);
  });

  it("leave the database at its previous version when a step fails", () => {
    const file = path.join(tempDir(), "failing.db");
    withDatabase(file, (db) => migrate(db, [{ version: 1, sql: "CREATE TABLE one (x)" }]));

    const failing = [
      { version: 1, sql: "CREATE TABLE one (x)" },
      { version: 2, sql: "CREATE TABLE two (x)" },
      { version: 3, sql: "THIS IS NOT SQL" },
    ];
    expect(() => withDatabase(file, (db) => migrate(db, failing))).toThrow(
      expect.objectContaining({ code: "DATABASE_FAILED" }),
    );
    expect(tables(file)).toEqual(["one"]);
    expect(withDatabase(file, readSchemaVersion)).toBe(1);
  });

  it("refuse a database from a newer version with a clear error, without modifying it", () => {
    const file = path.join(tempDir(), "guru.db");
    withDatabase(file, (db) => {
      db.exec("CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES (1)");
      db.pragma(`user_version = ${latestVersion(migrations) + 1}`);
    });
    const hash = () => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    const before = hash();

    let error: unknown;
    try {
      openTestMemory({ path: file });
    } catch (caught) {
      error = caught;
    }

    expect(isGuruError(error, "DATABASE_TOO_NEW")).toBe(true);
    expect((error as Error).message).toMatch(/newer|Upgrade Guru/);
    expect(hash()).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it("open the database in WAL mode with foreign keys, normal sync and the busy timeout", () => {
    const db = openDatabase({ path: path.join(tempDir(), "guru.db"), busyTimeoutMs: 1234 });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(db.pragma("synchronous", { simple: true })).toBe(1);
      expect(db.pragma("busy_timeout", { simple: true })).toBe(1234);
    } finally {
      db.close();
    }
  });
});
