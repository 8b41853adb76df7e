import { BlockCreated, FollowCreated, FollowDeleted } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, publish, startContent } from '../fixtures.js';

// The viewer: from Senegal, living in Paris; follows `followed`, connected with `friend`.
const followed = member({
  displayName: 'Followed',
  originCountry: 'GH',
  residenceCountry: 'CA',
  residenceCity: 'Toronto',
});
const friend = member({ displayName: 'Friend', originCountry: 'KE', residenceCountry: 'GB', residenceCity: 'London' });
const compatriot = member({
  displayName: 'Compatriot',
  originCountry: 'SN',
  residenceCountry: 'DE',
  residenceCity: 'Berlin',
});
const neighbour = member({
  displayName: 'Neighbour',
  originCountry: 'CM',
  residenceCountry: 'FR',
  residenceCity: 'Paris',
});
const stranger = member({
  displayName: 'Stranger',
  originCountry: 'ML',
  residenceCountry: 'US',
  residenceCity: 'New York',
});
const viewer = member(
  {
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    following: [followed.id],
    connections: [friend.id],
  },
  { tier: 'free' },
);
const premium = member({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' }, { tier: 'premium' });
const everyone = [followed, friend, compatriot, neighbour, stranger, viewer, premium];

const sponsored = {
  every: 3,
  items: [{ id: 'ad-1', title: 'Send money home for less', url: 'https://sponsor.example/remit', countries: ['SN'] }],
};

let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent(everyone, { SPONSORED_FEED: JSON.stringify(sponsored), TIMELINE_MAX_ITEMS: '20' });
});
afterAll(() => ctx?.close());

const call = (method: string, url: string, who: Member, payload?: unknown) =>
  ctx.app.inject({
    method: method as 'GET',
    url,
    headers: bearer(who),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const post = async (who: Member, text: string, extra: Record<string, unknown> = {}) => {
  const response = await call('POST', '/api/v1/content/posts', who, { text, visibility: 'public', ...extra });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
};
type Item = { type: string; post?: { id: string; text: string }; sponsored?: { id: string } };
const feed = async (who: Member, query = '') => {
  const response = await call('GET', `/api/v1/content/feed?section=posts${query}`, who);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: Item[]; nextCursor: string | null };
};
const postIds = (page: { items: Item[] }) => page.items.flatMap((item) => (item.post ? [item.post.id] : []));
/** Every post id of the feed, page by page. */
const allPages = async (who: Member, query = '', limit = 50) => {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await feed(who, `&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...postIds(page));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
};

describe('feed, posts section', () => {
  const ids = {} as Record<
    | 'followed'
    | 'friendOnly'
    | 'compatriot'
    | 'compatriotCountry'
    | 'neighbour'
    | 'neighbourCity'
    | 'stranger'
    | 'strangerConnections',
    string
  >;
  beforeAll(async () => {
    ids.followed = await post(followed, 'News from Toronto #ict', { domain: 'ict', language: 'en' });
    ids.friendOnly = await post(friend, 'Only for my connections', { visibility: 'connections', language: 'en' });
    ids.compatriot = await post(compatriot, 'Les Sénégalais de Berlin se retrouvent dimanche', { language: 'fr' });
    ids.compatriotCountry = await post(compatriot, 'Réservé à la communauté sénégalaise', {
      visibility: 'country',
      language: 'fr',
    });
    ids.neighbour = await post(neighbour, 'Marché africain à Château Rouge samedi', {
      language: 'fr',
      domain: 'commerce',
      location: { lat: 48.886, lon: 2.349 },
    });
    ids.neighbourCity = await post(neighbour, 'Pour les Parisiens seulement', { visibility: 'city', language: 'fr' });
    ids.stranger = await post(stranger, 'Malian diaspora in New York', {
      language: 'en',
      location: { lat: 40.71, lon: -74.0 },
    });
    ids.strangerConnections = await post(stranger, 'private to my connections', { visibility: 'connections' });
  });

  it('merges follows, connections and the viewer’s origin-country and city communities, and nothing else', async () => {
    const seen = await allPages(viewer);
    expect(seen).toEqual(
      expect.arrayContaining([
        ids.followed,
        ids.friendOnly,
        ids.compatriot,
        ids.compatriotCountry,
        ids.neighbour,
        ids.neighbourCity,
      ]),
    );
    expect(seen).not.toContain(ids.stranger);
    expect(seen).not.toContain(ids.strangerConnections);
    expect(new Set(seen).size).toBe(seen.length);
    const first = await feed(viewer);
    expect(first.items.find((item) => item.post?.id === ids.followed)?.post).toMatchObject({
      author: { displayName: 'Followed' },
    });
  });

  it('marks the posts the viewer likes, from the timeline and from the community channels alike', async () => {
    // `followed` reaches the viewer through the timeline, `compatriot` through the origin-country channel.
    for (const id of [ids.followed, ids.compatriot]) {
      expect((await call('POST', `/api/v1/content/posts/${id}/likes`, viewer)).statusCode).toBeLessThan(300);
    }
    const likedBy = async (who: Member) => {
      const page = (await feed(who, '&limit=50')) as { items: { post?: { id: string; likedByMe: boolean } }[] };
      return new Map(page.items.flatMap((item) => (item.post ? [[item.post.id, item.post.likedByMe]] : [])));
    };
    const mine = await likedBy(viewer);
    expect(mine.get(ids.followed)).toBe(true);
    expect(mine.get(ids.compatriot)).toBe(true);
    expect(mine.get(ids.neighbour)).toBe(false);
    expect((await likedBy(premium)).get(ids.compatriot)).toBe(false);
    for (const id of [ids.followed, ids.compatriot]) await call('DELETE', `/api/v1/content/posts/${id}/likes`, viewer);
  });

  it('filters by origin country, city, area, language and domain', async () => {
    expect(await allPages(viewer, '&country=ML')).toEqual([ids.stranger]);
    expect(await allPages(viewer, '&city=paris')).toEqual([ids.neighbourCity, ids.neighbour]);
    expect(await allPages(viewer, '&near=48.85,2.35&radiusKm=10')).toEqual([ids.neighbour]);
    expect(await allPages(viewer, '&near=40.7,-74&radiusKm=50')).toEqual([ids.stranger]);
    const french = await allPages(viewer, '&language=fr');
    expect(new Set(french)).toEqual(new Set([ids.compatriot, ids.compatriotCountry, ids.neighbour, ids.neighbourCity]));
    expect(await allPages(viewer, '&domain=ict')).toEqual([ids.followed]);
    expect(await allPages(viewer, '&domain=commerce&language=fr')).toEqual([ids.neighbour]);
    for (const bad of [
      '&country=XX',
      '&language=!!',
      '&domain=cooking',
      '&near=100,0',
      '&near=abc',
      '&section=other',
      '&limit=101',
    ])
      expect((await call('GET', `/api/v1/content/feed?section=posts${bad}`, viewer)).statusCode, bad).toBe(400);
  });

  it('fans new posts out to active followers’ timelines; inactive members get none', async () => {
    await feed(viewer); // the viewer is active (has a timeline)
    const fresh = await post(followed, 'Fresh from Toronto');
    const { db } = ctx.service.context;
    await until(async () => {
      const { rowCount } = await db.query('SELECT 1 FROM timelines WHERE user_id = $1 AND post_id = $2', [
        viewer.id,
        fresh,
      ]);
      return rowCount === 1;
    });
    // `followed` never read a feed (inactive): only the viewer's timeline got it.
    const { rows } = await db.query('SELECT user_id FROM timelines WHERE post_id = $1', [fresh]);
    expect(rows.map((row) => row.user_id)).toEqual([viewer.id]);
    expect(postIds(await feed(viewer))[0]).toBe(fresh);
  });

  it('keeps timelines capped', async () => {
    await feed(viewer);
    for (let i = 0; i < 45; i++) await post(followed, `Burst ${i}`);
    const { db } = ctx.service.context;
    await until(
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM processed_events WHERE consumer = 'fan-out'`,
        );
        return rows[0]!.n >= 45;
      },
      { timeoutMs: 15_000 },
    );
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM timelines WHERE user_id = $1', [
      viewer.id,
    ]);
    // Soft cap: trimmed every tenth fan-out to TIMELINE_MAX_ITEMS (20).
    expect(rows[0]!.n).toBeLessThanOrEqual(30);
  });

  it('never repeats or skips a post while new ones arrive', async () => {
    // Start from a settled state: every post published so far has been fanned out.
    const { db } = ctx.service.context;
    await until(
      async () => {
        const { rows } = await db.query<{ published: number; fanned: number }>(
          `SELECT (SELECT count(*)::int FROM outbox WHERE subject = 'content.post.published') AS published,
                (SELECT count(*)::int FROM processed_events WHERE consumer = 'fan-out') AS fanned`,
        );
        return rows[0]!.published === rows[0]!.fanned || undefined;
      },
      { timeoutMs: 15_000 },
    );
    const before = await allPages(viewer, '', 100);
    const seen: string[] = [];
    let cursor: string | null = null as string | null;
    const arrivals: Promise<string>[] = [];
    do {
      // New posts from every source land between (and during) page reads.
      arrivals.push(post(followed, 'arriving'), post(compatriot, 'arrivée'), post(neighbour, 'nouveau'));
      const page = await feed(viewer, `&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...postIds(page));
      cursor = page.nextCursor;
    } while (cursor);
    const arrived = new Set(await Promise.all(arrivals));
    expect(new Set(seen).size).toBe(seen.length); // nothing repeated
    const old = seen.filter((id) => !arrived.has(id));
    expect(new Set(old)).toEqual(new Set(before)); // nothing skipped
    expect(seen.length).toBeGreaterThan(20);
  });

  it('refuses tampered, foreign or re-filtered cursors with 400', async () => {
    const first = await feed(viewer, '&limit=2');
    const cursor = first.nextCursor!;
    const [body, signature] = cursor.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), p: 'pst_00000000000000000000000000' }),
    ).toString('base64url');
    for (const bad of [
      `${forged}.${signature}`,
      `${body}.${signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      'garbage',
    ]) {
      const response = await call('GET', `/api/v1/content/feed?section=posts&cursor=${bad}`, viewer);
      expect(response.statusCode).toBe(400);
      expect(response.json().type).toContain('invalid-cursor');
    }
    expect(
      (await call('GET', `/api/v1/content/feed?section=posts&language=fr&cursor=${cursor}`, viewer)).statusCode,
    ).toBe(400);
    expect((await call('GET', `/api/v1/content/feed?section=posts&cursor=${cursor}`, premium)).statusCode).toBe(400);
    expect((await call('GET', `/api/v1/content/feed?section=events&cursor=${cursor}`, viewer)).statusCode).toBe(400);
  });

  it('follows and blocks from users.* events change the feed', async () => {
    expect(await allPages(viewer, '&country=ML')).toEqual([ids.stranger]);
    await publish(ctx.service, FollowCreated, {
      followerId: viewer.id,
      followeeId: stranger.id,
      at: new Date().toISOString(),
    });
    await until(async () => (await allPages(viewer)).includes(ids.stranger));
    await publish(ctx.service, FollowDeleted, {
      followerId: viewer.id,
      followeeId: stranger.id,
      at: new Date().toISOString(),
    });
    await until(async () => !(await allPages(viewer)).includes(ids.stranger));
    await publish(ctx.service, BlockCreated, {
      blockerId: viewer.id,
      blockedId: neighbour.id,
      at: new Date().toISOString(),
    });
    await until(async () => !(await allPages(viewer)).includes(ids.neighbour));
  });

  it('shows sponsored items to free members only', async () => {
    const free = await feed(viewer, '&limit=9');
    const ads = free.items.filter((item) => item.type === 'sponsored');
    expect(ads.length).toBe(3);
    expect(free.items[3]).toMatchObject({ type: 'sponsored', sponsored: { id: 'ad-1' } });
    const paid = await feed(premium, '&limit=9');
    expect(paid.items.length).toBeGreaterThan(0);
    expect(paid.items.every((item) => item.type === 'post')).toBe(true);
  });
});
