import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface StoredReply {
  readonly text: string;
  readonly status: string;
  readonly status_reason: string | null;
}

/** What a stopped Guru left in its data folder: the replies stored, and how the database was left. */
export interface DatabaseAfterStop {
  readonly replies: StoredReply[];
  /** `PRAGMA integrity_check` on reopening. */
  readonly integrity: string;
  /** Bytes left in the write-ahead log: 0 (or no file) once the last connection closed cleanly. */
  readonly walBytes: number;
}

export function databaseAfterStop(dataDir: string): DatabaseAfterStop {
  const path = join(dataDir, "guru.db");
  const wal = `${path}-wal`;
  // Read before opening: the test's own connection must not change what the process left.
  const walBytes = existsSync(wal) ? statSync(wal).size : 0;
  const db = new Database(path);
  try {
    return {
      replies: db
        .prepare("SELECT text, status, status_reason FROM messages WHERE role = 'assistant' ORDER BY id")
        .all() as StoredReply[],
      integrity: db.pragma("integrity_check", { simple: true }) as string,
      walBytes,
    };
  } finally {
    db.close();
  }
}

/** Questions stored so far (each is stored before its answer starts), read while Guru runs. */
export function questionsStored(dataDir: string): number {
  const path = join(dataDir, "guru.db");
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM messages WHERE role = 'user'").get() as { n: number }).n;
  } catch {
    return 0; // not migrated yet
  } finally {
    db.close();
  }
}

/** The questions stored in the database at `databasePath`, oldest first, as the service received them. */
export function storedQuestions(databasePath: string): string[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT text FROM messages WHERE role = 'user' ORDER BY id").all() as {
      text: string;
    }[];
    return rows.map((row) => row.text);
  } finally {
    db.close();
  }
}

/** Guru's replies stored in the database at `databasePath`, oldest first. */
export function storedReplies(databasePath: string): StoredReply[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("SELECT text, status, status_reason FROM messages WHERE role = 'assistant' ORDER BY id")
      .all() as StoredReply[];
  } finally {
    db.close();
  }
}
