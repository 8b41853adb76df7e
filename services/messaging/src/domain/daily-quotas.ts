import { type Cache, Problem } from '@diaspora/service-kit';
import type { Quotas } from './ports.js';

const DAY_MS = 86_400_000;

/** The problem type clients recognise to offer the premium upgrade. */
export const QUOTA_PROBLEM_TYPE = 'messaging-quota-exceeded';

/**
 * Daily quotas of the free tier on the cache port (shared by every instance with Redis): one counter per user,
 * quota and UTC day, expiring at midnight. Checked before acting, consumed after success, so failed attempts and
 * idempotent replays cost nothing; concurrent sends may overshoot by the few in flight.
 */
export class DailyQuotas implements Quotas {
  constructor(
    private readonly cache: Cache,
    /** A limit may be read per check (the message quota is a platform setting an admin changes at run time). */
    private readonly limits: { messages: number | (() => Promise<number>); conversations: number },
    private readonly now: () => number = Date.now,
  ) {}

  private window(userId: string, quota: 'messages' | 'conversations') {
    const now = this.now();
    const day = Math.floor(now / DAY_MS);
    return { key: `quota:${quota}:${userId}:${day}`, msLeft: (day + 1) * DAY_MS - now };
  }

  async check(actor: { userId: string; tier: 'free' | 'premium' }, quota: 'messages' | 'conversations') {
    if (actor.tier === 'premium') return;
    const configured = this.limits[quota];
    const limit = typeof configured === 'function' ? await configured() : configured;
    const { key, msLeft } = this.window(actor.userId, quota);
    const used = Number((await this.cache.get(key)) ?? 0);
    if (used < limit) return;
    const what = quota === 'messages' ? 'messages' : 'new conversations';
    throw new Problem(429, {
      type: QUOTA_PROBLEM_TYPE,
      detail: `You reached today's limit of ${limit} ${what} on the free plan. Premium members message without limits.`,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(msLeft / 1000))) },
      extensions: { quota, limit, resetsAt: new Date(this.now() + msLeft).toISOString(), upgradeTo: 'premium' },
    });
  }

  async consume(actor: { userId: string; tier: 'free' | 'premium' }, quota: 'messages' | 'conversations') {
    if (actor.tier === 'premium') return;
    const { key, msLeft } = this.window(actor.userId, quota);
    await this.cache.increment(key, msLeft);
  }
}
