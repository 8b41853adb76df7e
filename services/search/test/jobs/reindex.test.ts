import { randomBytes } from 'node:crypto';
import { PostDeleted, PostPublished, UserRegistered } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/adapters/engines.js';
import type { IndexEngine } from '../../src/adapters/index-engine.js';
import { reindex } from '../../src/jobs/reindex.js';
import { deliver, member, post, type SearchTestService, startSearchService, tokenFor } from '../fixtures.js';

const url = process.env.OPENSEARCH_URL;

describe.skipIf(!url)('reindex (OpenSearch)', () => {
  const alias = `reindex-${randomBytes(4).toString('hex')}`;
  let service: SearchTestService;
  let engine: IndexEngine;
  const viewer = member();
  beforeAll(async () => {
    service = await startSearchService({ SEARCH_ENGINE: 'opensearch', SEARCH_URL: url as string, SEARCH_INDEX: alias });
    const { config, db, logger } = service.context;
    engine = (await openEngine(config, db, logger)) as IndexEngine;
    await deliver(service, UserRegistered, viewer);
  }, 60_000);
  afterAll(async () => {
    await fetch(`${url}/${alias}-*`, { method: 'DELETE' }).catch(() => undefined);
    await engine?.close();
    await service?.close();
  });

  const total = async (q: string) =>
    (
      await service.app.inject({
        method: 'GET',
        url: `/api/v1/search?q=${q}&type=posts`,
        headers: { authorization: `Bearer ${tokenFor(viewer.userId)}` },
      })
    ).json().total as number;

  it('copies into a new index, resumes after an interruption, swaps the alias and keeps changes made meanwhile', async () => {
    const w = Array.from(randomBytes(9), (byte) => 'abcdefghijklmnopqrstuvwxyz'[byte % 26]).join('');
    const posts = Array.from({ length: 25 }, (_, i) => post({ text: `${w} post ${i}` }));
    for (const p of posts) await deliver(service, PostPublished, p);
    await until(async () => (await total(w)) === 25, { what: '25 posts indexed', timeoutMs: 10_000 });
    const calls: string[] = [];
    const progress = {
      start: (all: number, done: number) => calls.push(`start ${done}/${all}`),
      update: (done: number) => calls.push(`update ${done}`),
      stop: () => calls.push('stop'),
    };

    const first = await reindex(service.context.db, engine, progress, { batchSize: 10, maxBatches: 1 });
    expect(first).toMatchObject({ index: `${alias}-v2`, finished: false, copied: 10 });
    expect(await engine.currentIndex()).toBe(`${alias}-v1`);

    // Meanwhile the service goes on: one more post, one deleted; the alias still points at v1.
    const late = post({ text: `${w} written during the reindex` });
    await deliver(service, PostPublished, late);
    await deliver(service, PostDeleted, {
      postId: posts[0]!.postId,
      authorId: posts[0]!.authorId,
      reason: 'author',
      at: new Date().toISOString(),
    });
    await until(
      async () =>
        (
          await service.context.db.query(
            `SELECT 1 FROM search_documents WHERE (id = $1 AND deleted) OR (id = $2 AND NOT deleted)`,
            [posts[0]!.postId, late.postId],
          )
        ).rowCount === 2,
      { what: 'both changes applied' },
    );

    const second = await reindex(service.context.db, engine, progress, { batchSize: 10 });
    expect(second).toMatchObject({ index: `${alias}-v2`, finished: true });
    // The second run started where the first stopped (the first 10 posts in id order, less the one deleted).
    expect(calls.filter((call) => call.startsWith('start'))).toEqual(['start 0/26', 'start 9/26']);
    expect(await engine.currentIndex()).toBe(`${alias}-v2`);
    expect((await fetch(`${url}/${alias}-v1`)).status).toBe(404);
    await until(async () => (await total(w)) === 25, { what: 'the same 25 through the new index' });
    const found = await service.app.inject({
      method: 'GET',
      url: `/api/v1/search?q=${w}%20during&type=posts`,
      headers: { authorization: `Bearer ${tokenFor(viewer.userId)}` },
    });
    expect(found.json().items.map((item: { id: string }) => item.id)).toEqual([late.postId]);
    expect((await service.context.db.query('SELECT * FROM search_reindex')).rowCount).toBe(0);
  }, 60_000);
});
