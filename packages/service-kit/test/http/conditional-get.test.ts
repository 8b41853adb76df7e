import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalGet, notModified, weakEtag } from '../../src/http/conditional-get.js';

let app: FastifyInstance;
let body = { name: 'Amina' };
let versionedBuilds = 0;

beforeAll(async () => {
  app = Fastify();
  app.get('/private', { ...conditionalGet() }, async () => body);
  app.get('/public', { ...conditionalGet({ visibility: 'public', maxAgeSeconds: 30 }) }, async () => body);
  app.get('/missing', { ...conditionalGet() }, async (_request, reply) => reply.code(404).send({ title: 'no' }));
  app.get('/versioned', { ...conditionalGet() }, async (request, reply) => {
    if (notModified(request, reply, 'v7')) return reply.code(304).send();
    versionedBuilds++;
    return { version: 7 };
  });
  app.post('/private', { ...conditionalGet() }, async () => body);
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('conditionalGet', () => {
  it('gives a 200 a weak ETag of its body, private no-cache and Vary: Authorization', async () => {
    const first = await app.inject({ url: '/private' });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe(weakEtag(first.body));
    expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers.vary).toBe('Authorization');
  });

  it('answers 304 without a body when If-None-Match holds the ETag (weakly, in a list, or *)', async () => {
    const { headers } = await app.inject({ url: '/private' });
    const etag = headers.etag as string;
    for (const header of [etag, etag.replace(/^W\//, ''), `W/"other", ${etag}`, '*']) {
      const again = await app.inject({ url: '/private', headers: { 'if-none-match': header } });
      expect(again.statusCode, header).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('private, no-cache');
      expect(again.headers.vary).toBe('Authorization');
    }
  });

  it('answers the new body when it changed since the ETag the client holds', async () => {
    const { headers } = await app.inject({ url: '/private' });
    body = { name: 'Awa' };
    const changed = await app.inject({ url: '/private', headers: { 'if-none-match': headers.etag as string } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ name: 'Awa' });
    expect(changed.headers.etag).not.toBe(headers.etag);
  });

  it('public answers carry max-age and no Vary on Authorization', async () => {
    const response = await app.inject({ url: '/public' });
    expect(response.headers['cache-control']).toBe('public, max-age=30');
    expect(response.headers.vary).toBeUndefined();
    expect(response.headers.etag).toBeDefined();
  });

  it('leaves errors and non-GET requests alone', async () => {
    const missing = await app.inject({ url: '/missing', headers: { 'if-none-match': '*' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const post = await app.inject({ method: 'POST', url: '/private', headers: { 'if-none-match': '*' } });
    expect(post.statusCode).toBe(200);
    expect(post.headers.etag).toBeUndefined();
  });

  it("uses the handler's version, which lets it answer 304 before building the body", async () => {
    const first = await app.inject({ url: '/versioned' });
    expect(first.headers.etag).toBe(weakEtag('v7'));
    expect(versionedBuilds).toBe(1);
    const again = await app.inject({ url: '/versioned', headers: { 'if-none-match': weakEtag('v7') } });
    expect(again.statusCode).toBe(304);
    expect(again.headers['cache-control']).toBe('private, no-cache');
    expect(versionedBuilds).toBe(1);
  });
});
