import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, startContent } from '../fixtures.js';

const amina = member({ displayName: 'Amina', originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });
const kofi = member({ displayName: 'Kofi', originCountry: 'GH', residenceCountry: 'CA', residenceCity: 'Toronto' });
const lea = member({ displayName: 'Léa' });

let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([amina, kofi, lea]);
});
afterAll(() => ctx?.close());

const call = (method: string, url: string, who?: Member, payload?: unknown, headers: Record<string, string> = {}) =>
  ctx.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(who ? bearer(who) : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

const createPost = async (who: Member, body: Record<string, unknown>) => {
  const response = await call('POST', '/api/v1/content/posts', who, { visibility: 'public', ...body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
};

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

function multipart(name: string, content: Buffer, type: string) {
  const boundary = '----content-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(who: Member, content = PNG, name = 'photo.png', type = 'image/png') {
  const { body, headers } = multipart(name, content, type);
  return ctx.app.inject({
    method: 'POST',
    url: '/api/v1/content/media',
    headers: { ...bearer(who), ...headers },
    payload: body,
  });
}

describe('posts', () => {
  it('publishes a post with parsed text, detected language, the author’s community and an event', async () => {
    const published = await collectPublished(ctx.service, 'content.post.published');
    const post = await createPost(amina, {
      text: `Bonjour à toute la communauté sénégalaise de Paris ! #Teranga @${kofi.id} https://example.org/agenda.`,
      tags: ['Culture'],
      domain: 'art_crafts',
    });
    expect(post).toMatchObject({
      authorId: amina.id,
      author: { id: amina.id, displayName: 'Amina' },
      tags: ['culture', 'teranga'],
      mentions: [kofi.id],
      links: ['https://example.org/agenda'],
      language: 'fr',
      visibility: 'public',
      domain: 'art_crafts',
      likeCount: 0,
      likedByMe: false,
      moderationState: 'published',
    });
    const envelope = await until(() => published.find((e) => (e.data as { postId: string }).postId === post.id));
    expect(envelope.data).toMatchObject({
      authorId: amina.id,
      originCountry: 'SN',
      residenceCity: 'Paris',
      language: 'fr',
    });

    const seen = await call('GET', `/api/v1/content/posts/${post.id}`, kofi);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).not.toHaveProperty('moderationState');
  });

  it('refuses bad input with problem details and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(5001) }, 'text'],
      [{ text: 'hi', language: 'not a tag!' }, 'language'],
      [{ text: 'hi', visibility: 'everyone' }, 'visibility'],
      [{ text: 'hi', domain: 'cooking' }, 'domain'],
      [{ text: 'hi', media: Array.from({ length: 5 }, (_, i) => `med_${String(i).padStart(26, '0')}`) }, 'media'],
      [{ text: 'hi', extra: true }, ''],
    ];
    for (const [body, field] of cases) {
      const response = await call('POST', '/api/v1/content/posts', amina, { visibility: 'public', ...body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      if (field) expect(JSON.stringify(response.json().errors), JSON.stringify(body)).toContain(field);
    }
    const { rows } = await ctx.service.context.db.query(
      "SELECT count(*)::int AS n FROM content_posts WHERE author_id = $1 AND doc->>'text' = $2",
      [amina.id, 'hi'],
    );
    expect(rows[0]!.n).toBe(0);
    expect(
      (await call('POST', '/api/v1/content/posts', undefined, { text: 'hi', visibility: 'public' })).statusCode,
    ).toBe(401);
  });

  it('replays a retried create with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `create-${Date.now()}` };
    const first = await call(
      'POST',
      '/api/v1/content/posts',
      lea,
      { text: 'Once only', visibility: 'public' },
      headers,
    );
    const again = await call(
      'POST',
      '/api/v1/content/posts',
      lea,
      { text: 'Once only', visibility: 'public' },
      headers,
    );
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
  });

  it('edits keep history; only the author edits (403); deleted posts are gone (404)', async () => {
    const post = await createPost(amina, { text: 'First version #one', tags: ['keep'] });
    expect((await call('PATCH', `/api/v1/content/posts/${post.id}`, kofi, { text: 'hijack' })).statusCode).toBe(403);
    const edited = await call('PATCH', `/api/v1/content/posts/${post.id}`, amina, { text: 'Second version #two' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ text: 'Second version #two', tags: ['keep', 'two'] });
    expect(edited.json().editedAt).toBeTruthy();
    const stored = await ctx.service.context.db.query('SELECT doc FROM content_posts WHERE id = $1', [post.id]);
    expect((stored.rows[0]!.doc as { history: { text: string }[] }).history.map((h) => h.text)).toEqual([
      'First version #one',
    ]);
    expect((await call('PATCH', `/api/v1/content/posts/${post.id}`, amina, {})).statusCode).toBe(400);

    expect((await call('DELETE', `/api/v1/content/posts/${post.id}`, kofi)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/v1/content/posts/${post.id}`, amina)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/content/posts/${post.id}`, amina)).statusCode).toBe(404);
    expect((await call('POST', `/api/v1/content/posts/${post.id}/comments`, kofi, { text: 'late' })).statusCode).toBe(
      404,
    );
    expect((await call('POST', `/api/v1/content/posts/${post.id}/likes`, kofi)).statusCode).toBe(404);
  });

  it('likes are idempotent and counted; one like event', async () => {
    const likes = await collectPublished(ctx.service, 'content.like.created');
    const post = await createPost(amina, { text: 'Like me' });
    const first = await call('POST', `/api/v1/content/posts/${post.id}/likes`, kofi);
    const second = await call('POST', `/api/v1/content/posts/${post.id}/likes`, kofi);
    expect(first.json()).toEqual({ liked: true, likeCount: 1 });
    expect(second.json()).toEqual({ liked: true, likeCount: 1 });
    await Promise.all([lea, amina].map((who) => call('POST', `/api/v1/content/posts/${post.id}/likes`, who)));
    const view = (await call('GET', `/api/v1/content/posts/${post.id}`, kofi)).json();
    expect(view).toMatchObject({ likeCount: 3, likedByMe: true });
    expect((await call('DELETE', `/api/v1/content/posts/${post.id}/likes`, kofi)).json()).toEqual({
      liked: false,
      likeCount: 2,
    });
    await until(() => likes.filter((e) => (e.data as { postId: string }).postId === post.id).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(likes.filter((e) => (e.data as { postId: string; userId: string }).userId === kofi.id)).toHaveLength(1);
  });

  it('comments, one level of replies, and signed comment cursors', async () => {
    const comments = await collectPublished(ctx.service, 'content.comment.created');
    const post = await createPost(amina, { text: 'Discuss' });
    const top = await call('POST', `/api/v1/content/posts/${post.id}/comments`, kofi, { text: 'Great idea' });
    expect(top.statusCode).toBe(201);
    const reply = await call('POST', `/api/v1/content/posts/${post.id}/comments`, amina, {
      text: 'Merci beaucoup mon ami',
      parentId: top.json().id,
    });
    expect(reply.json()).toMatchObject({ parentId: top.json().id, language: 'fr' });
    const nested = await call('POST', `/api/v1/content/posts/${post.id}/comments`, lea, {
      text: 'too deep',
      parentId: reply.json().id,
    });
    expect(nested.statusCode).toBe(400);
    const page1 = await call('GET', `/api/v1/content/posts/${post.id}/comments?limit=1`, lea);
    expect(page1.json().items.map((c: { id: string }) => c.id)).toEqual([top.json().id]);
    const page2 = await call(
      'GET',
      `/api/v1/content/posts/${post.id}/comments?limit=1&cursor=${page1.json().nextCursor}`,
      lea,
    );
    expect(page2.json()).toMatchObject({ items: [{ id: reply.json().id }], nextCursor: null });
    const tampered = `${page1.json().nextCursor.slice(0, -2)}xx`;
    const bad = await call('GET', `/api/v1/content/posts/${post.id}/comments?cursor=${tampered}`, lea);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toContain('invalid-cursor');
    expect((await call('GET', `/api/v1/content/posts/${post.id}`, lea)).json().commentCount).toBe(2);
    await until(() => comments.filter((e) => (e.data as { postId: string }).postId === post.id).length === 2);
    expect(comments.find((e) => (e.data as { parentId?: string }).parentId)?.data).toMatchObject({
      parentAuthorId: kofi.id,
      postAuthorId: amina.id,
    });
    expect((await call('DELETE', `/api/v1/content/comments/${top.json().id}`, lea)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/v1/content/comments/${top.json().id}`, amina)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/content/posts/${post.id}`, lea)).json().commentCount).toBe(1);
  });

  it('shares and quote-shares count, embed the original and announce the share', async () => {
    const shared = await collectPublished(ctx.service, 'content.post.shared');
    const post = await createPost(kofi, { text: 'Worth sharing' });
    const plain = await call('POST', `/api/v1/content/posts/${post.id}/shares`, amina, {});
    const quote = await call('POST', `/api/v1/content/posts/${post.id}/shares`, lea, { text: 'So true' });
    expect(plain.statusCode).toBe(201);
    expect(plain.json()).toMatchObject({
      text: '',
      sharedPostId: post.id,
      sharedPost: { id: post.id, text: 'Worth sharing' },
    });
    expect(quote.json()).toMatchObject({ text: 'So true', sharedPost: { id: post.id } });
    expect((await call('GET', `/api/v1/content/posts/${post.id}`, kofi)).json().shareCount).toBe(2);
    await until(() => shared.filter((e) => (e.data as { sharedPostId: string }).sharedPostId === post.id).length === 2);
    expect(shared.map((e) => (e.data as { quote: boolean }).quote).sort()).toEqual([false, true]);
  });

  it('connections-only and community posts are not shown outside their audience', async () => {
    const forConnections = await createPost(amina, { text: 'Only friends', visibility: 'connections' });
    const forCity = await createPost(amina, { text: 'Paris only', visibility: 'city' });
    expect((await call('GET', `/api/v1/content/posts/${forConnections.id}`, kofi)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/content/posts/${forCity.id}`, kofi)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/content/posts/${forCity.id}`, lea)).statusCode).toBe(200);
  });
});

describe('media', () => {
  it('uploads an image, attaches it once, and serves it through a signed link', async () => {
    const uploaded = await upload(amina);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const media = uploaded.json();
    expect(media).toMatchObject({ contentType: 'image/png', size: PNG.length });
    expect(media.url).toMatch(/^\/api\/v1\/content\/media\/posts\/usr_.+\.png\?expires=\d+&sig=/);
    const fetched = await ctx.app.inject({ url: media.url });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(PNG)).toBe(true);
    expect((await ctx.app.inject({ url: media.url.replace(/sig=.*/, 'sig=forged') })).statusCode).toBe(403);

    expect(
      (await call('POST', '/api/v1/content/posts', kofi, { text: 'stolen', visibility: 'public', media: [media.id] }))
        .statusCode,
    ).toBe(400);
    const post = await createPost(amina, { text: 'A photo', media: [media.id] });
    expect(post.media).toEqual([expect.objectContaining({ id: media.id, contentType: 'image/png' })]);
    expect(
      (await call('POST', '/api/v1/content/posts', amina, { text: 'again', visibility: 'public', media: [media.id] }))
        .statusCode,
    ).toBe(400);
  });

  it('refuses unsupported types (415) and oversized files (413)', async () => {
    const text = await upload(amina, Buffer.from('#!/bin/sh\necho hi\n'), 'x.png', 'image/png');
    expect(text.statusCode).toBe(415);
    expect(text.headers['content-type']).toContain('application/problem+json');
    const big = await upload(amina, Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]));
    expect(big.statusCode).toBe(413);
  });

  it('answers a malformed multipart request (no boundary, truncated form) with 400, not 500', async () => {
    const { body, headers } = multipart('photo.png', PNG, 'image/png');
    for (const [contentType, payload] of [
      ['multipart/form-data', body],
      [headers['content-type'], body.subarray(0, 60)],
    ] as const) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/content/media',
        headers: { ...bearer(amina), 'content-type': contentType },
        payload,
      });
      expect(response.statusCode, contentType).toBe(400);
      expect(response.json()).toMatchObject({ status: 400, detail: expect.stringMatching(/^The multipart body/) });
    }
  });
});
