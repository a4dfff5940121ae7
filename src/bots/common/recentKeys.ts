/**
 * A bounded set of recently seen keys (event or message ids); the oldest are forgotten first.
 * Platforms redeliver (Slack retries, a Discord resume replays): this drops a repeat before
 * anything is sent, even for replies that never reach the service, such as refusals. The
 * service's SQLite ledger is what keeps model answers exactly-once across a restart.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time `key` is seen (within the capacity). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    return true;
  }
}
