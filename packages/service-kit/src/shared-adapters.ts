/**
 * Adapters shared by URL inside one process: the all-in-one host runs every service over one in-memory bus
 * and one cache, and a process never opens two Redis connections to one URL. The last release closes it.
 */
export class SharedAdapters<T extends { close(): Promise<void> }> {
  private readonly entries = new Map<string, { adapter: Promise<T>; users: number }>();

  /** The adapter for `key`, created once by `create`; call `release` exactly once when done with it. */
  async acquire(key: string, create: () => Promise<T>): Promise<{ adapter: T; release: () => Promise<void> }> {
    let entry = this.entries.get(key);
    if (!entry) {
      const adapter = create();
      entry = { adapter, users: 0 };
      this.entries.set(key, entry);
      adapter.catch(() => this.entries.delete(key));
    }
    const current = entry;
    // Counted before waiting, so that a last release meanwhile does not close the adapter we are about to use.
    current.users++;
    let adapter: T;
    try {
      adapter = await current.adapter;
    } catch (error) {
      current.users--;
      throw error;
    }
    let released = false;
    return {
      adapter,
      release: async () => {
        if (released) return;
        released = true;
        if (--current.users === 0) {
          this.entries.delete(key);
          await adapter.close();
        }
      },
    };
  }
}
