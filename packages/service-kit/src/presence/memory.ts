import type { PresenceRegistry } from './types.js';

/** The registry for one process: user → holder → expiry (ms since epoch). */
export class MemoryPresence implements PresenceRegistry {
  readonly kind = 'memory';
  private readonly users = new Map<string, Map<string, number>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Live holders, with expired ones removed on the way. */
  private live(userId: string): Map<string, number> | undefined {
    const holders = this.users.get(userId);
    if (!holders) return undefined;
    const now = this.now();
    for (const [holder, expiresAt] of holders) if (expiresAt <= now) holders.delete(holder);
    if (holders.size === 0) {
      this.users.delete(userId);
      return undefined;
    }
    return holders;
  }

  private sweep(): void {
    for (const userId of [...this.users.keys()]) this.live(userId);
  }

  async add(userId: string, holder: string, ttlMs: number): Promise<boolean> {
    let holders = this.live(userId);
    const cameOnline = !holders;
    if (!holders) {
      holders = new Map();
      this.users.set(userId, holders);
    }
    holders.set(holder, this.now() + ttlMs);
    return cameOnline;
  }

  async remove(userId: string, holder: string): Promise<boolean> {
    const holders = this.live(userId);
    if (!holders?.delete(holder)) return false;
    if (holders.size > 0) return false;
    this.users.delete(userId);
    return true;
  }

  async refresh(userIds: string[], holder: string, ttlMs: number): Promise<void> {
    for (const userId of userIds) await this.add(userId, holder, ttlMs);
  }

  async online(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((userId) => this.live(userId)));
  }

  async holders(userId: string): Promise<string[]> {
    return [...(this.live(userId)?.keys() ?? [])];
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.users.clear();
  }
}
