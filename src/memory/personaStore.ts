import type { Database, Statement } from "better-sqlite3";
import { z } from "zod";

/** A persona set from chat: the system prompt of a conversation or channel, and who set it when. */
export interface StoredPersona {
  /** The conversation or channel key it applies to. */
  readonly key: string;
  readonly text: string;
  /** The platform user id of whoever set it. */
  readonly changedBy: string;
  /** ms since the epoch. */
  readonly changedAt: number;
}

const personaRowSchema = z
  .object({ key: z.string(), text: z.string(), changed_by: z.string(), changed_at: z.number().int() })
  .transform(
    (row): StoredPersona => ({
      key: row.key,
      text: row.text,
      changedBy: row.changed_by,
      changedAt: row.changed_at,
    }),
  );

/** The `personas` table: one persona per key, replaced when set again. */
export class PersonaStore {
  private readonly upsert: Statement<[string, string, string, number]>;
  private readonly byKey: Statement<[string]>;
  private readonly deleteKey: Statement<[string]>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO personas (key, text, changed_by, changed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET text = excluded.text, changed_by = excluded.changed_by,
         changed_at = excluded.changed_at`,
    );
    this.byKey = db.prepare("SELECT key, text, changed_by, changed_at FROM personas WHERE key = ?");
    this.deleteKey = db.prepare("DELETE FROM personas WHERE key = ?");
  }

  set(key: string, text: string, changedBy: string): StoredPersona {
    const changedAt = this.now();
    this.upsert.run(key, text, changedBy, changedAt);
    return { key, text, changedBy, changedAt };
  }

  /** The first of `keys` (most specific first) that has a persona; null when none has. */
  find(keys: readonly string[]): StoredPersona | null {
    for (const key of keys) {
      const row = this.byKey.get(key);
      if (row !== undefined) return personaRowSchema.parse(row);
    }
    return null;
  }

  /** True when there was one to remove. */
  remove(key: string): boolean {
    return this.deleteKey.run(key).changes > 0;
  }
}
