import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserDeleted, UserProfileUpdated, UserRegistered } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startContent } from '../fixtures.js';

// Unknown to the (fake) user service: the content service only learns about this member from events.
const newcomer = member({ displayName: 'Newcomer' });
const other = member({});
let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([other]);
});
afterAll(() => ctx?.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('users.* events', () => {
  it('keep the members read model (newest wins) that posts take their community from', async () => {
    const at = new Date();
    const base = {
      userId: newcomer.id,
      displayName: 'Newcomer',
      originCountry: 'NG',
      residenceCountry: 'IE',
      residenceCity: 'Dublin',
      languages: ['en', 'yo'],
      domains: [],
    };
    await publish(ctx.service, UserRegistered, { ...base, registeredAt: at.toISOString() }, { occurredAt: at });
    await publish(
      ctx.service,
      UserProfileUpdated,
      { ...base, residenceCity: 'Cork', changed: ['residenceCity'], updatedAt: at.toISOString() },
      { occurredAt: new Date(at.getTime() + 1000) },
    );
    // A stale update delivered late changes nothing.
    await publish(
      ctx.service,
      UserProfileUpdated,
      { ...base, residenceCity: 'Galway', changed: ['residenceCity'], updatedAt: at.toISOString() },
      { occurredAt: new Date(at.getTime() - 1000) },
    );
    await until(
      async () =>
        (await ctx.service.context.db.query(`SELECT 1 FROM processed_events WHERE consumer LIKE 'members-%'`))
          .rowCount === 3,
    );
    const { rows } = await ctx.service.context.db.query(
      'SELECT residence_city, display_name FROM members WHERE user_id = $1',
      [newcomer.id],
    );
    expect(rows[0]).toEqual({ residence_city: 'Cork', display_name: 'Newcomer' });

    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/content/posts',
      headers: bearer(newcomer),
      payload: { text: 'Hello from Cork', visibility: 'public' },
    });
    expect(created.json()).toMatchObject({ author: { displayName: 'Newcomer' } });
    const doc = await ctx.service.context.db.query('SELECT origin_country, city_key FROM content_posts WHERE id = $1', [
      created.json().id,
    ]);
    expect(doc.rows[0]).toEqual({ origin_country: 'NG', city_key: 'cork' });
  });

  it('users.user.deleted erases the member’s content, files and read-model rows, once', async () => {
    const boundary = 'b';
    const uploaded = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/content/media',
      headers: { ...bearer(newcomer), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        PNG,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const key = decodeURIComponent(
      new URL(uploaded.json().url, 'http://x').pathname.replace('/api/v1/content/media/', ''),
    );
    const file = join(ctx.dataDir, 'content', 'media', key);
    expect(existsSync(file)).toBe(true);
    const postResponse = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/content/posts',
      headers: bearer(newcomer),
      payload: { text: 'With a photo', visibility: 'public', media: [uploaded.json().id] },
    });
    const postId = postResponse.json().id;
    await ctx.app.inject({ method: 'POST', url: `/api/v1/content/posts/${postId}/likes`, headers: bearer(other) });
    const otherPost = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/content/posts',
      headers: bearer(other),
      payload: { text: 'mine', visibility: 'public' },
    });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/content/posts/${otherPost.json().id}/likes`,
      headers: bearer(newcomer),
    });

    const deleted = await publish(ctx.service, UserDeleted, {
      userId: newcomer.id,
      deletedAt: new Date().toISOString(),
    });
    const { db } = ctx.service.context;
    await until(
      async () => (await db.query(`SELECT 1 FROM processed_events WHERE event_id = $1`, [deleted.id])).rowCount === 1,
    );
    const counts = await db.query(
      `SELECT (SELECT count(*)::int FROM content_posts WHERE author_id = $1) AS posts,
              (SELECT count(*)::int FROM content_likes WHERE user_id = $1) AS likes,
              (SELECT count(*)::int FROM media_uploads WHERE owner_id = $1) AS media,
              (SELECT count(*)::int FROM members WHERE user_id = $1) AS members`,
      [newcomer.id],
    );
    expect(counts.rows[0]).toEqual({ posts: 0, likes: 0, media: 0, members: 0 });
    expect(existsSync(file)).toBe(false);
    const stillThere = await ctx.app.inject({
      url: `/api/v1/content/posts/${otherPost.json().id}`,
      headers: bearer(other),
    });
    expect(stillThere.json()).toMatchObject({ likeCount: 0 });
    // Redelivery changes nothing.
    await ctx.service.context.bus.publish({
      id: `${deleted.id}-again`,
      subject: deleted.subject,
      data: Buffer.from(JSON.stringify(deleted)),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      (await db.query('SELECT count(*)::int AS n FROM content_posts WHERE author_id = $1', [other.id])).rows[0]!.n,
    ).toBe(1);
  });
});
