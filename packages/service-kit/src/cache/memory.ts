import type { Cache } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Bounded in-process cache with per-key expiry; the oldest entries go first when full. */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly maxEntries = 100_000) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: string, ttlMs?: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : Number.POSITIVE_INFINITY });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.put(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.put(key, value, ttlMs);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async increment(key: string, windowMs: number): Promise<{ value: number; ttlMs: number }> {
    const entry = this.live(key);
    if (!entry) {
      this.put(key, '1', windowMs);
      return { value: 1, ttlMs: windowMs };
    }
    entry.value = String(Number(entry.value) + 1);
    // A key set without expiry becomes a windowed counter, as with Redis (else it would count forever).
    if (entry.expiresAt === Number.POSITIVE_INFINITY) entry.expiresAt = Date.now() + windowMs;
    return { value: Number(entry.value), ttlMs: Math.max(0, entry.expiresAt - Date.now()) };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}
