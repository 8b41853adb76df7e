import { randomBytes } from 'node:crypto';
import { until } from '@diaspora/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { getOrComputeOnce } from '../../src/cache/compute-once.js';
import { openCache } from '../../src/cache/open.js';
import type { Cache } from '../../src/cache/types.js';

/** getOrComputeOnce over every cache adapter: one computation per key at a time, across handles (processes). */
function describeComputeOnce(name: string, url: () => string): void {
  describe(`getOrComputeOnce: ${name}`, () => {
    const namespace = `compute-once-${randomBytes(4).toString('hex')}`;
    const handles: Cache[] = [];
    const open = async () => {
      const cache = await openCache(url(), { namespace });
      handles.push(cache);
      return cache;
    };
    afterEach(async () => {
      await Promise.all(handles.splice(0).map((cache) => cache.close()));
    });

    it('computes once for concurrent callers on separate handles, then serves the cached value', async () => {
      const [first, second] = [await open(), await open()];
      let computations = 0;
      const compute = async () => {
        computations++;
        await new Promise((done) => setTimeout(done, 100));
        return `value-${computations}`;
      };
      const options = { ttlMs: 5_000, pollMs: 10 };
      const answers = await Promise.all([
        ...Array.from({ length: 5 }, () => getOrComputeOnce(first, 'k1', compute, options)),
        ...Array.from({ length: 5 }, () => getOrComputeOnce(second, 'k1', compute, options)),
      ]);
      expect(computations).toBe(1);
      expect(new Set(answers)).toEqual(new Set(['value-1']));
      expect(await getOrComputeOnce(second, 'k1', compute, options)).toBe('value-1');
      expect(computations).toBe(1);
    });

    it('a failed computation reaches its caller, releases the lock, and the next caller computes', async () => {
      const cache = await open();
      await expect(
        getOrComputeOnce(cache, 'k2', async () => Promise.reject(new Error('engine down')), { ttlMs: 5_000 }),
      ).rejects.toThrow('engine down');
      expect(await getOrComputeOnce(cache, 'k2', async () => 'recovered', { ttlMs: 5_000 })).toBe('recovered');
    });

    it('takes over a lock whose holder died once the lock expires', async () => {
      const cache = await open();
      await cache.setIfAbsent('k3:computing', 'dead-holder', 150);
      const started = Date.now();
      expect(await getOrComputeOnce(cache, 'k3', async () => 'mine', { ttlMs: 5_000, lockMs: 150, pollMs: 10 })).toBe(
        'mine',
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    });

    it('expires the value after its ttl, then computes again', async () => {
      const cache = await open();
      let n = 0;
      const compute = async () => `v${++n}`;
      expect(await getOrComputeOnce(cache, 'k4', compute, { ttlMs: 80 })).toBe('v1');
      await new Promise((done) => setTimeout(done, 120));
      expect(await getOrComputeOnce(cache, 'k4', compute, { ttlMs: 80 })).toBe('v2');
    });

    it('serves a stale value at once while exactly one caller refreshes it (stale-while-revalidate)', async () => {
      const [first, second] = [await open(), await open()];
      let computations = 0;
      let release: () => void = () => undefined;
      const compute = async () => {
        computations++;
        if (computations > 1) await new Promise<void>((done) => (release = done));
        return `v${computations}`;
      };
      const options = { ttlMs: 60, staleMs: 10_000, pollMs: 10 };
      expect(await getOrComputeOnce(first, 'k5', compute, options)).toBe('v1');
      await new Promise((done) => setTimeout(done, 100));
      // Past its ttl: every caller, on either handle, is answered with v1 without waiting for the refresh.
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, () => getOrComputeOnce(first, 'k5', compute, options)),
        ...Array.from({ length: 4 }, () => getOrComputeOnce(second, 'k5', compute, options)),
      ]);
      expect(answers).toEqual(Array(8).fill('v1'));
      expect(computations).toBe(2);
      release();
      await until(async () => (await second.get('k5'))?.endsWith(':v2') ?? false, {
        what: 'the refreshed value',
        timeoutMs: 3000,
      });
      expect(computations).toBe(2);
    });

    it('a failed background refresh keeps the stale value, is reported, and the next caller retries', async () => {
      const cache = await open();
      const failures: unknown[] = [];
      let fail = true;
      let n = 0;
      const compute = async () => {
        n++;
        if (n > 1 && fail) throw new Error('engine down');
        return `v${n}`;
      };
      const options = { ttlMs: 40, staleMs: 10_000, onRefreshError: (error: unknown) => failures.push(error) };
      expect(await getOrComputeOnce(cache, 'k6', compute, options)).toBe('v1');
      await new Promise((done) => setTimeout(done, 70));
      expect(await getOrComputeOnce(cache, 'k6', compute, options)).toBe('v1');
      await until(async () => failures.length === 1, { what: 'the refresh failure', timeoutMs: 3000 });
      fail = false;
      // The lock was released: the next caller refreshes (still answered stale), then the new value shows.
      expect(await getOrComputeOnce(cache, 'k6', compute, options)).toBe('v1');
      await until(async () => (await getOrComputeOnce(cache, 'k6', compute, options)) === 'v3', {
        what: 'the value refreshed after the failure',
        timeoutMs: 3000,
      });
    });

    it('an invalidated key is never served stale: the next caller waits for a fresh value', async () => {
      const cache = await open();
      let n = 0;
      const compute = async () => `v${++n}`;
      const options = { ttlMs: 10_000, staleMs: 10_000 };
      expect(await getOrComputeOnce(cache, 'k7', compute, options)).toBe('v1');
      await cache.delete('k7');
      expect(await getOrComputeOnce(cache, 'k7', compute, options)).toBe('v2');
    });
  });
}

const memoryName = `memory://compute-once-${randomBytes(3).toString('hex')}`;
describeComputeOnce('memory', () => memoryName);

const redisUrl = process.env.REDIS_URL;
describe.skipIf(!redisUrl)('with Redis', () => {
  describeComputeOnce('redis', () => redisUrl as string);
});
