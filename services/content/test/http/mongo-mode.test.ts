import { randomBytes } from 'node:crypto';
import { collectPublished, until } from '@diaspora/testing';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, startContent } from '../fixtures.js';

const mongoUrl = process.env.MONGO_URL;
const author = member({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });
const reader = member({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });

// The whole service on the MongoDB adapter (distributed mode's CONTENT_STORE=mongodb), when a server is at hand.
describe.skipIf(!mongoUrl)('CONTENT_STORE=mongodb (skipped unless MONGO_URL is set)', () => {
  const database = `content_service_${randomBytes(4).toString('hex')}`;
  let ctx: Awaited<ReturnType<typeof startContent>>;
  beforeAll(async () => {
    const url = new URL(mongoUrl!);
    url.pathname = `/${database}`;
    ctx = await startContent([author, reader], { CONTENT_STORE: 'mongodb', MONGO_URL: url.toString() });
  });
  afterAll(async () => {
    await ctx?.close();
    const client = await new MongoClient(mongoUrl!).connect();
    await client.db(database).dropDatabase();
    await client.close();
  });

  it('posts, likes, comments and the feed work, and events reach the bus through the document outbox', async () => {
    const published = await collectPublished(ctx.service, 'content.post.published');
    const likes = await collectPublished(ctx.service, 'content.like.created');
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/content/posts',
      headers: bearer(author),
      payload: { text: 'Stored in MongoDB #mongo', visibility: 'public' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await ctx.app.inject({ method: 'POST', url: `/api/v1/content/posts/${id}/likes`, headers: bearer(reader) });
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/content/posts/${id}/comments`,
      headers: bearer(reader),
      payload: { text: 'Nice' },
    });
    const feed = await ctx.app.inject({ url: '/api/v1/content/feed?section=posts', headers: bearer(reader) });
    expect(feed.json().items[0].post).toMatchObject({ id, likeCount: 1, commentCount: 1, likedByMe: true });
    await until(() => published.some((e) => (e.data as { postId: string }).postId === id) || undefined);
    await until(() => likes.some((e) => (e.data as { postId: string }).postId === id) || undefined);
    const ready = await ctx.app.inject({ url: '/health/ready' });
    expect(ready.json()).toMatchObject({ status: 'ok' });
  });
});
