/**
 * Answers looked up once and shared by every request (a server's control-token ids). A lookup
 * runs under the signal of the request that started it; when it fails, it is forgotten, and a
 * request that was waiting on it and is itself still live looks it up again under its own signal.
 */
export class SharedLookups<Value> {
  private readonly entries = new Map<string, Promise<Value>>();

  async get(key: string, signal: AbortSignal, load: (signal: AbortSignal) => Promise<Value>): Promise<Value> {
    const shared = this.entries.get(key);
    if (shared) {
      try {
        return await shared;
      } catch (error) {
        if (signal.aborted) throw error;
      }
    }
    const lookup = load(signal);
    this.entries.set(key, lookup);
    lookup.catch(() => {
      if (this.entries.get(key) === lookup) this.entries.delete(key);
    });
    return lookup;
  }
}
