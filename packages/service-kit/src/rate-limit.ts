import type { Cache } from './cache/types.js';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the current window resets. */
  resetMs: number;
}

/**
 * Fixed-window limiter on the cache port (the algorithm of Kong's rate-limiting plugin): with Redis it holds
 * across replicas, in memory it holds per process.
 */
export class RateLimiter {
  constructor(
    private readonly cache: Cache,
    private readonly options: { name: string; limit: number; windowMs: number },
  ) {}

  async hit(subject: string, now = Date.now()): Promise<RateLimitDecision> {
    const { name, limit, windowMs } = this.options;
    const window = Math.floor(now / windowMs);
    const left = Math.ceil((window + 1) * windowMs - now);
    // The counter lives until its window ends, not a full window after its first hit (a `year` window hit in
    // December would otherwise keep a dead key for a year).
    const { value, ttlMs } = await this.cache.increment(`ratelimit:${name}:${subject}:${window}`, left);
    const resetMs = Math.min(ttlMs, left);
    return { allowed: value <= limit, limit, remaining: Math.max(0, limit - value), resetMs };
  }

  /** Clears a subject's current window (e.g. after a successful login). */
  async reset(subject: string, now = Date.now()): Promise<void> {
    const { name, windowMs } = this.options;
    await this.cache.delete(`ratelimit:${name}:${subject}:${Math.floor(now / windowMs)}`);
  }
}
