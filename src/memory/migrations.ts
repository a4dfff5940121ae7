import type { Database } from "better-sqlite3";
import { z } from "zod";
import { GuruError } from "../errors.js";

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

/**
 * The schema, as an ordered list of steps; the version reached is kept in `PRAGMA user_version`.
 * Never edit a step that has shipped: append a new one.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      -- A scope is a channel or a DM: the privacy boundary. AUTOINCREMENT so a forgotten scope's id
      -- (and its search token) is never handed to another one.
      CREATE TABLE scopes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE
      );

      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        scope_id INTEGER NOT NULL REFERENCES scopes(id),
        platform TEXT NOT NULL,
        space TEXT,
        channel TEXT NOT NULL,
        thread TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX conversations_scope ON conversations(scope_id);

      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        scope_id INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        platform_message_id TEXT,
        reply_to INTEGER REFERENCES messages(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('complete', 'interrupted', 'failed')),
        status_reason TEXT,
        token_count INTEGER NOT NULL CHECK (token_count >= 0),
        created_at INTEGER NOT NULL,
        -- Platform message ids are unique per channel (Slack ts), so uniqueness is per scope.
        UNIQUE (scope_id, platform_message_id),
        CHECK ((role = 'user') = (platform_message_id IS NOT NULL)),
        CHECK ((role = 'assistant') = (reply_to IS NOT NULL)),
        CHECK ((status = 'complete') = (status_reason IS NULL))
      );
      CREATE INDEX messages_conversation ON messages(conversation_id, id);
      CREATE INDEX messages_created ON messages(created_at);
      CREATE INDEX messages_author ON messages(author);
      CREATE INDEX messages_reply_to ON messages(reply_to);

      CREATE TABLE analyses (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        answered_message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        schema_version INTEGER NOT NULL,
        json TEXT NOT NULL CHECK (json_valid(json)),
        summary TEXT NOT NULL,
        confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        token_count INTEGER NOT NULL CHECK (token_count >= 0),
        created_at INTEGER NOT NULL
      );
      CREATE INDEX analyses_conversation ON analyses(conversation_id);
      CREATE INDEX analyses_answered_message ON analyses(answered_message_id);

      -- rowid = analyses.id. body holds scope-prefixed words (see searchTerms.ts); conversation holds
      -- c<conversation id>, which narrows a search to one thread when memory is scoped to threads.
      CREATE VIRTUAL TABLE analyses_fts USING fts5(
        conversation, body, tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER analyses_fts_delete AFTER DELETE ON analyses BEGIN
        DELETE FROM analyses_fts WHERE rowid = old.id;
      END;

      -- The rolling summary of a conversation's older turns, up to and including through_message_id.
      CREATE TABLE summaries (
        conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        token_count INTEGER NOT NULL CHECK (token_count >= 0),
        through_message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX summaries_through_message ON summaries(through_message_id);

      CREATE TABLE processed_events (
        event_id TEXT PRIMARY KEY,
        processed_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX processed_events_time ON processed_events(processed_at);
    `,
  },
  {
    version: 2,
    sql: `
      -- Which process answers each question, so a restarted Guru finishes what a dead one left.
      -- A process holds a lease while it runs: its row, renewed by a heartbeat, deleted at close.
      CREATE TABLE processes (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- A question no reply has been stored for yet, its owner, and the front's opaque locator of
      -- where the reply shows (a Slack channel and message ts, a Discord message, ...).
      CREATE TABLE pending_replies (
        question_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        process_id TEXT NOT NULL,
        platform TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('ask', 'analyze')),
        event_id TEXT UNIQUE,
        locator TEXT
      );
      CREATE INDEX pending_replies_owner ON pending_replies(platform, process_id);

      -- Earlier runs could store a second reply (an "interrupted" mark racing a late answer): keep
      -- one per question, a complete one first, then the latest.
      DELETE FROM messages WHERE id IN (
        SELECT id FROM (
          SELECT id, ROW_NUMBER() OVER (
            PARTITION BY reply_to ORDER BY status = 'complete' DESC, id DESC
          ) AS rank
          FROM messages WHERE reply_to IS NOT NULL
        ) WHERE rank > 1
      );
      DROP INDEX messages_reply_to;
      -- At most one reply per question (NULLs, the questions themselves, are distinct).
      CREATE UNIQUE INDEX messages_one_reply ON messages(reply_to);

      -- Questions an earlier version left unanswered belong to no live process and show nowhere.
      INSERT INTO pending_replies (question_id, process_id, platform, mode)
      SELECT q.id, '', c.platform, 'ask'
      FROM messages q JOIN conversations c ON c.id = q.conversation_id
      WHERE q.role = 'user' AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.reply_to = q.id);

      -- Storing the reply settles the question, whoever stores it.
      CREATE TRIGGER pending_replies_answered AFTER INSERT ON messages
      WHEN new.reply_to IS NOT NULL BEGIN
        DELETE FROM pending_replies WHERE question_id = new.reply_to;
      END;
      `,
  },
  {
    version: 3,
    sql: `
      -- Messages Guru read around a question (a thread, a reply chain) without being asked: they are
      -- context, never questions to answer. author_name/author_kind label them for the model;
      -- documents holds the files read with a message, as a JSON array of {name, text, truncated}.
      ALTER TABLE messages ADD COLUMN origin TEXT NOT NULL DEFAULT 'asked' CHECK (origin IN ('asked', 'read'));
      ALTER TABLE messages ADD COLUMN author_name TEXT;
      ALTER TABLE messages ADD COLUMN author_kind TEXT CHECK (author_kind IN ('person', 'bot', 'guru'));
      ALTER TABLE messages ADD COLUMN documents TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(documents));
    `,
  },
  {
    version: 4,
    sql: `
      -- Personas admins set from chat, by conversation or channel key (conversationKey /
      -- channelScopeKey): the system prompt there, ahead of the config file's channelPrompts.
      -- changed_by is the platform user id of the admin; changed_at is ms since the epoch.
      CREATE TABLE personas (
        key TEXT PRIMARY KEY,
        text TEXT NOT NULL CHECK (length(text) > 0),
        changed_by TEXT NOT NULL,
        changed_at INTEGER NOT NULL
      );
    `,
  },
];

export function latestVersion(list: readonly Migration[]): number {
  return list.at(-1)?.version ?? 0;
}

export function readSchemaVersion(db: Database): number {
  return z
    .number()
    .int()
    .nonnegative()
    .parse(db.pragma("user_version", { simple: true }));
}

/** Refuses, without writing anything, a database that a newer Guru has migrated. */
export function assertNotNewer(db: Database, list: readonly Migration[] = migrations): void {
  const found = readSchemaVersion(db);
  const known = latestVersion(list);
  if (found > known) {
    throw new GuruError(
      "DATABASE_TOO_NEW",
      `The memory database ${db.name} has schema version ${found}, but this Guru knows only up to ${known}. ` +
        "Upgrade Guru, or point it at another data directory; the database was left untouched.",
    );
  }
}

/**
 * Brings the schema to the latest version. All pending steps run in one IMMEDIATE transaction, so a
 * failing step leaves the database at the version it had, and two processes starting together do not
 * both migrate.
 */
export function migrate(db: Database, list: readonly Migration[] = migrations): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration versions must run 1, 2, 3…; found ${migration.version} at ${index + 1}.`);
    }
  });
  const applyPending = db.transaction(() => {
    assertNotNewer(db, list);
    const current = readSchemaVersion(db);
    for (const migration of list.slice(current)) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  try {
    applyPending.immediate();
  } catch (cause) {
    if (cause instanceof GuruError) throw cause;
    throw new GuruError("DATABASE_FAILED", `Could not update the memory database ${db.name}.`, { cause });
  }
}
