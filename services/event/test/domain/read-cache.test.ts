import { type Cache, MemoryCache } from '@diaspora/service-kit';
import { describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/domain/read-cache.js';

const down = new Error('cache down');
/** A cache whose every call fails, as Redis does while it is unreachable. */
const failing: Cache = {
  kind: 'redis',
  get: async () => Promise.reject(down),
  set: async () => Promise.reject(down),
  setIfAbsent: async () => Promise.reject(down),
  delete: async () => Promise.reject(down),
  increment: async () => Promise.reject(down),
  ping: async () => Promise.reject(down),
  close: async () => undefined,
};

describe('ReadCache', () => {
  it('answers from the source while the cache is down, and invalidating does not fail the write', async () => {
    const reads = new ReadCache(failing, { ttlMs: 1000, staleMs: 1000 });
    const key = await reads.listingKey('upcoming', ['FR'], 'paris');
    expect(await reads.shared(key, async () => 'from the database')).toBe('from the database');
    expect(await reads.shared(await reads.detailKey('evt_1'), async () => 'detail')).toBe('detail');
    await expect(reads.invalidate({ eventId: 'evt_1', country: 'FR' })).resolves.toBeUndefined();
  });

  it('a change renews only the listings of its country (and the unfiltered ones); a move renews all', async () => {
    const reads = new ReadCache(new MemoryCache(), { ttlMs: 60_000, staleMs: 0 });
    const keys = async () => ({
      fr: await reads.listingKey('upcoming', ['FR'], 'x'),
      sn: await reads.listingKey('upcoming', ['SN'], 'x'),
      any: await reads.listingKey('list', [], 'x'),
      detail: await reads.detailKey('evt_2'),
    });
    const before = await keys();
    expect(await keys()).toEqual(before);
    await reads.invalidate({ eventId: 'evt_1', country: 'FR', changed: ['title'] });
    const afterEdit = await keys();
    expect(afterEdit.fr).not.toBe(before.fr);
    expect(afterEdit.any).not.toBe(before.any);
    expect(afterEdit.sn).toBe(before.sn);
    expect(afterEdit.detail).toBe(before.detail);
    await reads.invalidate({ eventId: 'evt_1', country: 'SN', changed: ['venue', 'country'] });
    const afterMove = await keys();
    expect(afterMove.fr).not.toBe(afterEdit.fr);
    expect(afterMove.sn).not.toBe(afterEdit.sn);
    expect(afterMove.detail).not.toBe(afterEdit.detail);
  });

  it('an invalidated detail is computed again; a cached one is not', async () => {
    const reads = new ReadCache(new MemoryCache(), { ttlMs: 60_000, staleMs: 60_000 });
    let n = 0;
    const detail = async () => reads.shared(await reads.detailKey('evt_3'), async () => `v${++n}`);
    expect(await detail()).toBe('v1');
    expect(await detail()).toBe('v1');
    await reads.invalidate({ eventId: 'evt_3', country: 'FR' });
    expect(await detail()).toBe('v2');
  });
});
