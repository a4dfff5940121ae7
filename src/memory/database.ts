import fs from "node:fs";
import path from "node:path";
import Sqlite, { type Database } from "better-sqlite3";
import { GuruError } from "../errors.js";
import { assertNotNewer, migrate } from "./migrations.js";

export interface DatabaseOptions {
  path: string;
  busyTimeoutMs: number;
}

/**
 * Opens (creating if needed) the memory database and brings its schema up to date.
 *
 * - WAL: readers never block the writer, and a killed process leaves every committed row behind.
 * - synchronous=NORMAL: in WAL mode every commit survives a killed or crashed process (tested);
 *   only a power cut may lose the last few, which the chat platform still holds. FULL would fsync
 *   at every commit (≈3 ms here), stalling the one event loop that serves every conversation.
 * - foreign_keys: forgetting a message or conversation cascades to everything derived from it.
 * - busy timeout: another process (the CLI) holding the write lock briefly is waited for, not an error.
 */
export function openDatabase(options: DatabaseOptions): Database {
  let db: Database;
  try {
    fs.mkdirSync(path.dirname(options.path), { recursive: true });
    db = new Sqlite(options.path, { timeout: options.busyTimeoutMs });
  } catch (cause) {
    throw new GuruError("DATABASE_FAILED", `Could not open the memory database at ${options.path}.`, {
      cause,
    });
  }
  try {
    db.pragma("foreign_keys = ON");
    // Before anything that writes (journal_mode does): a newer database must stay untouched.
    assertNotNewer(db);
    const journalMode = db.pragma("journal_mode = WAL", { simple: true });
    if (journalMode !== "wal") {
      throw new Error(`journal_mode stayed ${String(journalMode)}; WAL is needed (is this a network drive?)`);
    }
    db.pragma("synchronous = NORMAL");
    migrate(db);
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof GuruError) throw cause;
    throw new GuruError("DATABASE_FAILED", `Could not prepare the memory database at ${options.path}.`, {
      cause,
    });
  }
}
