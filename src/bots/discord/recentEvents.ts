/**
 * The Discord event ids this process has already taken, newest last, bounded. A gateway resume
 * can replay a dispatch that was already handled; this drops it before anything is sent, even for
 * replies that never reach the service (refusals, `/memory`). The service's SQLite ledger is what
 * keeps model answers exactly-once across a restart.
 */
export class RecentEvents {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is seen. */
  claim(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    return true;
  }
}
