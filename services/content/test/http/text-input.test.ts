import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Member, member, startContent } from '../fixtures.js';

const amina = member({ displayName: 'Amina' });
let ctx: Awaited<ReturnType<typeof startContent>>;
beforeAll(async () => {
  ctx = await startContent([amina]);
});
afterAll(() => ctx?.close());

/** A raw JSON body, so `\ud800` reaches the service as JSON escapes produce it: an unpaired surrogate. */
const send = (method: string, url: string, who: Member, json: string) =>
  ctx.app.inject({
    method: method as 'POST',
    url,
    headers: { ...bearer(who), 'content-type': 'application/json' },
    payload: json,
  });

describe('text input', () => {
  it('documents the text lengths the service takes (POST_MAX_CHARS, COMMENT_MAX_CHARS)', async () => {
    const { paths } = (await ctx.app.inject({ url: '/openapi.json' })).json();
    const bodyOf = (path: string, method: string) =>
      paths[path][method].requestBody.content['application/json'].schema.properties.text.maxLength;
    expect(bodyOf('/api/v1/content/posts', 'post')).toBe(5000);
    expect(bodyOf('/api/v1/content/posts/{postId}', 'patch')).toBe(5000);
    expect(bodyOf('/api/v1/content/posts/{postId}/shares', 'post')).toBe(5000);
    expect(bodyOf('/api/v1/content/posts/{postId}/comments', 'post')).toBe(2000);
  });

  it('refuses unpaired surrogates in post, comment and share text with a 400 problem before any handler runs', async () => {
    const post = await send('POST', '/api/v1/content/posts', amina, '{"text":"hello","visibility":"public"}');
    expect(post.statusCode).toBe(201);
    const postId = post.json().id as string;
    const attempts: [string, string][] = [
      ['/api/v1/content/posts', '{"text":"bad \\ud800 text","visibility":"public"}'],
      [`/api/v1/content/posts/${postId}/comments`, '{"text":"bad \\udc00"}'],
      [`/api/v1/content/posts/${postId}/shares`, '{"text":"quote \\ud83d","visibility":"public"}'],
    ];
    for (const [url, json] of attempts) {
      const response = await send('POST', url, amina, json);
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors).toEqual([{ field: 'text', message: expect.stringMatching(/surrogate/) }]);
    }
    const edit = await send('PATCH', `/api/v1/content/posts/${postId}`, amina, '{"text":"\\udfff"}');
    expect(edit.statusCode).toBe(400);
    const paired = await send(
      'POST',
      '/api/v1/content/posts',
      amina,
      '{"text":"emoji \\ud83d\\ude00","visibility":"public"}',
    );
    expect(paired.statusCode).toBe(201);
    expect(paired.json().text).toBe('emoji 😀');
  });
});
