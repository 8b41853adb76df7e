import { randomBytes } from 'node:crypto';
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
  });
}

const memoryName = `memory://compute-once-${randomBytes(3).toString('hex')}`;
describeComputeOnce('memory', () => memoryName);

const redisUrl = process.env.REDIS_URL;
describe.skipIf(!redisUrl)('with Redis', () => {
  describeComputeOnce('redis', () => redisUrl as string);
});
