import { type AccessClaims, CursorCodec, MemoryCache, Problem } from '@diaspora/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { generationKey } from '../../src/domain/indexer.js';
import type { EngineResult, SearchEngine, SearchScope, UnitOfWork } from '../../src/domain/ports.js';
import { parseSearch } from '../../src/domain/query.js';
import { Searcher } from '../../src/domain/searcher.js';

const silent = { error: () => undefined } as never;

/** An engine that counts its searches and answers after `delayMs`. */
function countingEngine(delayMs = 0, fail?: Error) {
  const calls: SearchScope[] = [];
  const engine = {
    name: 'postgres',
    visibleAfterMs: 0,
    async search(_query, scope): Promise<EngineResult> {
      calls.push(scope);
      await new Promise((done) => setTimeout(done, delayMs));
      if (fail) throw fail;
      return { total: 1, hits: [{ type: 'users', id: 'usr_1', score: 1, view: { displayName: 'A' } }], facets: {} };
    },
  } as Partial<SearchEngine> as SearchEngine;
  return { engine, calls };
}

const profiles: Record<string, { residenceCity?: string; originCountry?: string }> = {
  usr_lyon1: { residenceCity: 'Lyon', originCountry: 'SN' },
  usr_lyon2: { residenceCity: 'Lyon', originCountry: 'SN' },
  usr_dakar: { residenceCity: 'Dakar', originCountry: 'SN' },
};
const blocks: Record<string, string[]> = { usr_lyon2: [] };
const uow = {
  read: {
    viewers: { find: async (userId: string) => (profiles[userId] ? { userId, ...profiles[userId] } : null) },
    blocks: { excludedFor: async (userId: string) => blocks[userId] ?? [] },
  },
} as unknown as UnitOfWork;

const caller = (sub: string): AccessClaims =>
  ({ sub, roles: ['regular'], tier: 'free', iat: 0, exp: 0, jti: 'j' }) as AccessClaims;

describe('Searcher cache', () => {
  const cache = new MemoryCache();
  afterEach(async () => {
    for (const key of ['users', 'events', 'posts'] as const) await cache.delete(generationKey(key));
  });
  const make = (engine: SearchEngine, ttl = 300_000) =>
    new Searcher(uow, engine, { cursors: new CursorCodec('x'.repeat(40)), cache, cacheTtlMs: ttl, logger: silent });

  it('answers a repeated query from the cache, shared by members of the same scope, not across scopes', async () => {
    const { engine, calls } = countingEngine();
    const searcher = make(engine);
    const query = parseSearch({ q: 'Amina  Diallo', type: 'users' });
    await searcher.search(caller('usr_lyon1'), query, undefined);
    await searcher.search(caller('usr_lyon1'), parseSearch({ q: 'amina diallo', type: 'users' }), undefined);
    await searcher.search(caller('usr_lyon2'), query, undefined);
    expect(calls).toHaveLength(1);
    await searcher.search(caller('usr_dakar'), query, undefined);
    expect(calls).toHaveLength(2);
    blocks.usr_lyon2 = ['usr_someone'];
    // A new block shows once the viewer's scope is read again (a fresh Searcher here; 2 s in production).
    await make(engine).search(caller('usr_lyon2'), query, undefined);
    expect(calls).toHaveLength(3);
    blocks.usr_lyon2 = [];
  });

  it('computes once for a burst of identical queries (stampede protection)', async () => {
    const { engine, calls } = countingEngine(50);
    const searcher = make(engine);
    const query = parseSearch({ q: 'burst' });
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => searcher.search(caller('usr_lyon1'), query, undefined)),
    );
    expect(calls).toHaveLength(1);
    expect(pages.every((page) => page.total === 1)).toBe(true);
  });

  it('recomputes when a searched type changes (its generation moves), not when another type does', async () => {
    const { engine, calls } = countingEngine();
    const searcher = make(engine);
    const query = parseSearch({ q: 'fresh', type: 'events' });
    await searcher.search(caller('usr_lyon1'), query, undefined);
    await cache.set(generationKey('posts'), 'moved');
    await searcher.search(caller('usr_lyon1'), query, undefined);
    expect(calls).toHaveLength(1);
    await cache.set(generationKey('events'), 'moved');
    await searcher.search(caller('usr_lyon1'), query, undefined);
    expect(calls).toHaveLength(2);
  });

  it('with a TTL of 0, never caches', async () => {
    const { engine, calls } = countingEngine();
    const searcher = make(engine, 0);
    const query = parseSearch({ q: 'uncached' });
    await searcher.search(caller('usr_lyon1'), query, undefined);
    await searcher.search(caller('usr_lyon1'), query, undefined);
    expect(calls).toHaveLength(2);
  });

  it('answers 503 without the engine’s words when the engine fails, and caches nothing', async () => {
    const { engine, calls } = countingEngine(
      0,
      new Error('index_not_found_exception: no such index [diaspora-search-v1]'),
    );
    const searcher = make(engine);
    const query = parseSearch({ q: 'broken' });
    const error = await searcher.search(caller('usr_lyon1'), query, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Problem);
    expect((error as Problem).status).toBe(503);
    expect(JSON.stringify((error as Problem).toBody())).not.toMatch(/index|diaspora-search/);
    await searcher.search(caller('usr_lyon1'), query, undefined).catch(() => undefined);
    expect(calls).toHaveLength(2);
  });

  it('passes the viewer’s scope to the engine: city and origin from their profile, blocks both ways', async () => {
    const { engine, calls } = countingEngine();
    blocks.usr_dakar = ['usr_b1', 'usr_b2'];
    await make(engine).search(caller('usr_dakar'), parseSearch({ q: 'scope' }), undefined);
    expect(calls[0]).toEqual({
      viewerId: 'usr_dakar',
      city: 'Dakar',
      originCountry: 'SN',
      excludedOwners: ['usr_b1', 'usr_b2'],
    });
  });
});
