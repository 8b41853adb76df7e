import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { sleep, until } from '@diaspora/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openCache } from '../../src/cache/open.js';
import { RedisCache } from '../../src/cache/redis.js';
import type { Cache } from '../../src/cache/types.js';
import { RateLimiter } from '../../src/rate-limit.js';

interface Adapter {
  /** A URL for `openCache`; each call may return a new one (memory) or the shared server (Redis). */
  url(): string;
  /** Removes the keys the tests left under `prefix` on a shared server. */
  cleanup?(prefix: string): Promise<void>;
}

/** One contract, run against every adapter, through `openCache` as services use it. */
export function describeCacheContract(name: string, adapter: Adapter): void {
  describe(`Cache contract: ${name}`, () => {
    // Namespaces unique to this run keep parallel runs on one Redis apart and make cleanup a prefix scan.
    const prefix = `contract-${randomBytes(4).toString('hex')}`;
    const handles: Cache[] = [];
    let counter = 0;

    const open = async (namespace = `${prefix}-${++counter}`, url = adapter.url()) => {
      const cache = await openCache(url, { namespace });
      handles.push(cache);
      return cache;
    };

    afterEach(async () => {
      await Promise.all(handles.splice(0).map((cache) => cache.close()));
    });
    afterAll(async () => {
      await adapter.cleanup?.(prefix);
    });

    it('gets what was set, null when absent, the last value when overwritten', async () => {
      const cache = await open();
      expect(await cache.get('missing')).toBeNull();
      await cache.set('profile:1', '{"name":"Amina"}');
      expect(await cache.get('profile:1')).toBe('{"name":"Amina"}');
      await cache.set('profile:1', '{"name":"Awa"}');
      expect(await cache.get('profile:1')).toBe('{"name":"Awa"}');
      await expect(cache.ping()).resolves.toBeUndefined();
    });

    it('expires a value after its ttl; without ttl (or when re-set without one) it stays', async () => {
      const cache = await open();
      await cache.set('short', 'a', 150);
      await cache.set('forever', 'b');
      await cache.set('reset', 'c', 150);
      await cache.set('reset', 'd');
      expect(await cache.get('short')).toBe('a');
      await until(async () => (await cache.get('short')) === null, {
        what: 'the short value to expire',
        timeoutMs: 3000,
      });
      expect(await cache.get('forever')).toBe('b');
      expect(await cache.get('reset')).toBe('d');
    });

    it('setIfAbsent sets only the first time, until the key expires or is deleted', async () => {
      const cache = await open();
      expect(await cache.setIfAbsent('lock', 'owner-1', 150)).toBe(true);
      expect(await cache.setIfAbsent('lock', 'owner-2', 150)).toBe(false);
      expect(await cache.get('lock')).toBe('owner-1');
      await until(async () => (await cache.get('lock')) === null, { what: 'the lock to expire', timeoutMs: 3000 });
      expect(await cache.setIfAbsent('lock', 'owner-3', 5000)).toBe(true);
      expect(await cache.get('lock')).toBe('owner-3');
      await cache.delete('lock');
      expect(await cache.setIfAbsent('lock', 'owner-4', 5000)).toBe(true);
      expect(await cache.get('lock')).toBe('owner-4');
    });

    it('deletes a key, and deleting a missing one is fine', async () => {
      const cache = await open();
      await cache.set('gone', 'x');
      await cache.delete('gone');
      expect(await cache.get('gone')).toBeNull();
      await expect(cache.delete('never-there')).resolves.toBeUndefined();
    });

    it('increments a counter whose window starts at its first increment and does not slide', async () => {
      const cache = await open();
      const first = await cache.increment('hits', 400);
      expect(first.value).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(300);
      expect(first.ttlMs).toBeLessThanOrEqual(400);
      const second = await cache.increment('hits', 400);
      const third = await cache.increment('hits', 400);
      expect([second.value, third.value]).toEqual([2, 3]);
      expect(third.ttlMs).toBeLessThanOrEqual(first.ttlMs);
      expect(await cache.get('hits')).toBe('3');
      await until(async () => (await cache.get('hits')) === null, { what: 'the window to end', timeoutMs: 3000 });
      const next = await cache.increment('hits', 400);
      expect(next.value).toBe(1);
      expect(next.ttlMs).toBeGreaterThan(300);
    });

    it('gives a counter found without expiry the window, so it cannot count forever', async () => {
      const cache = await open();
      await cache.set('legacy', '7');
      const hit = await cache.increment('legacy', 200);
      expect(hit.value).toBe(8);
      expect(hit.ttlMs).toBeGreaterThan(0);
      expect(hit.ttlMs).toBeLessThanOrEqual(200);
      await until(async () => (await cache.get('legacy')) === null, { what: 'the counter to expire', timeoutMs: 3000 });
    });

    it('counts concurrent increments once each', async () => {
      const cache = await open();
      const results = await Promise.all(Array.from({ length: 50 }, () => cache.increment('burst', 5000)));
      expect(results.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await cache.get('burst')).toBe('50');
    });

    it('keeps namespaces apart on one store', async () => {
      const url = adapter.url();
      const users = await open(`${prefix}-users`, url);
      const events = await open(`${prefix}-events`, url);
      await users.set('k', 'from users');
      expect(await events.get('k')).toBeNull();
      await events.set('k', 'from events');
      expect(await users.get('k')).toBe('from users');
      expect((await users.increment('n', 5000)).value).toBe(1);
      expect((await events.increment('n', 5000)).value).toBe(1);
      expect((await users.increment('n', 5000)).value).toBe(2);
      await events.delete('k');
      expect(await users.get('k')).toBe('from users');
    });

    it('keeps the store open while another handle uses it', async () => {
      const url = adapter.url();
      const a = await open(`${prefix}-a`, url);
      const b = await open(`${prefix}-b`, url);
      await b.set('still', 'here');
      await a.close();
      await a.close(); // a second close must not release b's share
      expect(await b.get('still')).toBe('here');
      await b.set('after', 'close of a');
      expect(await b.get('after')).toBe('close of a');
      await expect(b.ping()).resolves.toBeUndefined();
    });

    it('hands out a working store to an open that races the last close', async () => {
      const url = adapter.url();
      const namespace = `${prefix}-race`;
      const last = await open(namespace, url);
      await last.set('survives', 'yes');
      const opening = open(namespace, url); // in flight while the only handle closes
      await last.close();
      const next = await opening;
      expect(await next.get('survives')).toBe('yes');
    });

    it('limits a subject to `limit` hits per fixed window, then denies until the window resets', async () => {
      const cache = await open();
      const limiter = new RateLimiter(cache, { name: 'login', limit: 3, windowMs: 10_000 });
      // One instant for every hit: the key is per window, so crossing a boundary mid-test would reset the count.
      const now = Math.floor(Date.now() / 10_000) * 10_000 + 4_000;
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.hit('ip:1', now));
      expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      for (const decision of decisions) {
        expect(decision.limit).toBe(3);
        expect(decision.resetMs).toBeGreaterThan(0);
        expect(decision.resetMs).toBeLessThanOrEqual(6_000); // what is left of this window at `now`
      }
      expect((await limiter.hit('ip:2', now)).allowed).toBe(true);
      await limiter.reset('ip:1', now);
      expect(await limiter.hit('ip:1', now)).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.hit('ip:1', now + 10_000)).toMatchObject({ allowed: true, remaining: 2 });
    });

    it('keeps a rate-limit counter only until its window ends', async () => {
      const cache = await open();
      const limiter = new RateLimiter(cache, { name: 'yearly', limit: 5, windowMs: 31_536_000_000 });
      // 150 ms before the end of a year-long window: the counter must go with the window, not a year later.
      const window = Math.floor(Date.now() / 31_536_000_000);
      const now = (window + 1) * 31_536_000_000 - 150;
      const decision = await limiter.hit('user:1', now);
      expect(decision).toMatchObject({ allowed: true, remaining: 4 });
      expect(decision.resetMs).toBeLessThanOrEqual(150);
      const key = `ratelimit:yearly:user:1:${window}`;
      expect(await cache.get(key)).toBe('1');
      await until(async () => (await cache.get(key)) === null, {
        what: 'the counter to expire with its window',
        timeoutMs: 3000,
      });
    });

    it('shares a limit between limiters on one namespace and separates limiter names', async () => {
      const url = adapter.url();
      const namespace = `${prefix}-limits`;
      const replicaA = new RateLimiter(await open(namespace, url), { name: 'post', limit: 2, windowMs: 60_000 });
      const replicaB = new RateLimiter(await open(namespace, url), { name: 'post', limit: 2, windowMs: 60_000 });
      const other = new RateLimiter(await open(namespace, url), { name: 'comment', limit: 2, windowMs: 60_000 });
      const now = Math.floor(Date.now() / 60_000) * 60_000 + 1_000;
      expect((await replicaA.hit('user:1', now)).allowed).toBe(true);
      expect((await replicaB.hit('user:1', now)).allowed).toBe(true);
      expect(await replicaA.hit('user:1', now)).toMatchObject({ allowed: false, remaining: 0 });
      expect((await other.hit('user:1', now)).allowed).toBe(true);
    });
  });
}

describeCacheContract('MemoryCache', { url: () => `memory://contract-${randomBytes(4).toString('hex')}` });

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  describeCacheContract(`RedisCache (${redisUrl})`, {
    url: () => redisUrl,
    async cleanup(prefix) {
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${prefix}-*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  });
} else {
  console.warn('Redis contract tests skipped: set REDIS_URL to run them against a real redis-server');
  describe.skip('Cache contract: RedisCache (set REDIS_URL)', () => {
    it('runs against a real redis-server', () => {});
  });
}

describe('RedisCache.connect', () => {
  it('rejects when the server hangs up, and stops reconnecting in the background', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(RedisCache.connect(`redis://127.0.0.1:${port}`)).rejects.toThrow();
      const attempts = connections;
      await sleep(700); // ioredis would retry after 200 and 400 ms
      expect(connections).toBe(attempts);
    } finally {
      server.close();
    }
  });
});
