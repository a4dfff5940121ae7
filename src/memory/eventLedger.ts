import type { Database, Statement } from "better-sqlite3";

/** Platform event ids already handled, so a redelivered event is answered once only. */
export class EventLedger {
  private readonly insert: Statement<[string, number]>;
  private readonly deleteBefore: Statement<[number]>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare(
      "INSERT INTO processed_events (event_id, processed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
    );
    this.deleteBefore = db.prepare("DELETE FROM processed_events WHERE processed_at < ?");
  }

  /** True the first time an event id is seen; false for every redelivery. Atomic (insert-or-ignore). */
  claim(eventId: string): boolean {
    return this.insert.run(eventId, this.now()).changes === 1;
  }

  prune(before: number): number {
    return this.deleteBefore.run(before).changes;
  }
}
