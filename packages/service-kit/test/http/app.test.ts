import { issueTestToken, testJwksUrl } from '@diaspora/testing';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksKeySource, TokenVerifier } from '../../src/auth/verifier.js';
import { Problem, problems } from '../../src/errors.js';
import { Readiness } from '../../src/health.js';
import { createHttpApp, type HttpApp } from '../../src/http/app.js';
import { problemResponses } from '../../src/http/schemas.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';

let app: HttpApp;
let databaseUp = true;
const readiness = new Readiness({
  postgres: async () => {
    if (!databaseUp) throw new Error('down');
  },
});

beforeAll(async () => {
  app = await createHttpApp({
    logger: createLogger({ service: 'test', level: 'silent' }),
    bodyLimit: 1024,
    metrics: createMetrics('test'),
    readiness,
    verifier: new TokenVerifier(new JwksKeySource(await testJwksUrl()), {
      issuer: 'diaspora-users',
      audience: 'diaspora',
    }),
    openapi: { title: 'Test', description: 'test', version: '1' },
  });
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ minLength: 2 }), tags: Type.Array(Type.String()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ ok: request.body.name }),
  );
  app.put(
    '/things/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ note: Type.Optional(Type.String()), count: Type.Optional(Type.Integer()) }),
        body: Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) }),
        response: {
          200: Type.Object({ id: Type.String(), count: Type.Optional(Type.Integer()) }),
          ...problemResponses(404),
        },
      },
    },
    async (request) => {
      if (request.params.id === 'missing') throw problems.notFound('thing');
      return { id: request.params.id, ...(request.query.count === undefined ? {} : { count: request.query.count }) };
    },
  );
  app.get('/boom', async () => {
    throw new Error('SELECT password FROM users -- secret internals');
  });
  app.get('/db-down', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
  });
  app.get('/conflict', async () => {
    throw problems.conflict('Already there.');
  });
  app.get('/extended', async () => {
    throw new Problem(409, { detail: 'Taken.', extensions: { status: 'confirmed', seatsLeft: 0 } });
  });
  app.get('/ip', async (request) => ({ ip: request.ip }));
  app.get('/mine', { onRequest: app.authenticate }, async (request) => ({ sub: request.auth!.sub }));
  app.get('/admin', { onRequest: app.requireRole('super') }, async () => ({ ok: true }));
  await app.ready();
});
afterAll(() => app?.close());

const problemOf = (response: { headers: Record<string, unknown>; json(): Record<string, unknown> }) => {
  expect(response.headers['content-type']).toContain('application/problem+json');
  return response.json();
};

describe('problem+json errors', () => {
  it('reports every schema violation by field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x', tags: [1, 'ok', {}], more: 1 },
    });
    expect(response.statusCode).toBe(400);
    const body = problemOf(response);
    expect(body).toMatchObject({
      status: 400,
      title: 'Bad Request',
      instance: '/things',
      type: expect.stringMatching(/validation$/),
    });
    expect((body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'more',
      'name',
      'tags[0]',
      'tags[2]',
    ]);
  });

  it('answers malformed JSON with 400, an oversized body with 413', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expect(malformed.statusCode).toBe(400);
    problemOf(malformed);
    const big = await app.inject({ method: 'POST', url: '/things', payload: { name: 'x'.repeat(2000), tags: [] } });
    expect(big.statusCode).toBe(413);
    problemOf(big);
  });

  it('never leaks internals in a 500, but carries the request id', async () => {
    const response = await app.inject({ url: '/boom', headers: { 'x-request-id': 'req-123' } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toMatch(/SELECT|password|secret|stack/);
    expect(problemOf(response)).toMatchObject({ requestId: 'req-123' });
  });

  it('turns an unreachable dependency into 503 with Retry-After', async () => {
    const response = await app.inject({ url: '/db-down' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).not.toContain('10.0.0.5');
  });

  it('passes domain problems through and 404s unknown routes', async () => {
    expect(problemOf(await app.inject({ url: '/conflict' }))).toMatchObject({ status: 409, detail: 'Already there.' });
    expect(problemOf(await app.inject({ url: '/nowhere?token=abc' }))).toMatchObject({
      status: 404,
      instance: '/nowhere',
    });
  });
});

describe('request ids and headers', () => {
  it('reuses a sane incoming x-request-id and replaces an unsafe one', async () => {
    expect(
      (await app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-1' } })).headers['x-request-id'],
    ).toBe('abc-1');
    const unsafe = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'a\nb<script>' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets defensive headers on every response', async () => {
    const response = await app.inject({ url: '/conflict' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
  });
});

describe('client addresses behind proxies', () => {
  const ipOf = async (target: HttpApp, forwardedFor?: string) =>
    (
      await target.inject({
        url: '/ip',
        remoteAddress: '10.1.2.3',
        ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}),
      })
    ).json().ip;

  it('ignores X-Forwarded-For unless the peer is a configured trusted proxy', async () => {
    expect(await ipOf(app, '203.0.113.9')).toBe('10.1.2.3');
  });

  it('believes exactly the configured hops, not what the client prepended', async () => {
    const behindProxy = await createHttpApp({
      logger: createLogger({ service: 'test', level: 'silent' }),
      bodyLimit: 1024,
      metrics: createMetrics('test-proxy'),
      readiness,
      verifier: new TokenVerifier(new JwksKeySource(await testJwksUrl()), { issuer: 'x', audience: 'y' }),
      openapi: { title: 'Test', description: 'test', version: '1' },
      trustedProxies: ['10.1.0.0/16'],
    });
    behindProxy.get('/ip', async (request) => ({ ip: request.ip }));
    await behindProxy.ready();
    try {
      expect(await ipOf(behindProxy, '203.0.113.9')).toBe('203.0.113.9');
      // The client forged the first entry; the trusted proxy appended the address it saw.
      expect(await ipOf(behindProxy, '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
      expect(await ipOf(behindProxy)).toBe('10.1.2.3');
    } finally {
      await behindProxy.close();
    }
  });
});

describe('auth hooks', () => {
  it('authenticates with a JWKS-verified token and authorizes by role', async () => {
    const token = issueTestToken({ sub: 'usr_a' });
    expect((await app.inject({ url: '/mine', headers: { authorization: `Bearer ${token}` } })).json()).toEqual({
      sub: 'usr_a',
    });
    expect((await app.inject({ url: '/mine' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/admin', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
    const superToken = issueTestToken({ sub: 'usr_s', roles: ['super'] });
    expect((await app.inject({ url: '/admin', headers: { authorization: `Bearer ${superToken}` } })).statusCode).toBe(
      200,
    );
  });
});

describe('operational endpoints', () => {
  it('reports readiness per dependency and stops being ready while draining', async () => {
    expect((await app.inject({ url: '/health/ready' })).json()).toMatchObject({
      status: 'ok',
      checks: { postgres: { status: 'up' } },
    });
    databaseUp = false;
    const down = await app.inject({ url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.postgres.status).toBe('down');
    databaseUp = true;
    readiness.drain();
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(503);
  });

  it('exposes Prometheus metrics labelled by route and its OpenAPI document', async () => {
    await app.inject({ url: '/conflict' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/conflict"[^}]*status_code="409"/);
    const openapi = (await app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/things', '/mine']));
    expect(openapi.paths).not.toHaveProperty('/metrics');
  });
});

describe('input every route shares', () => {
  const put = (url: string, payload: unknown) => app.inject({ method: 'PUT', url, payload: payload as object });

  it('refuses NUL characters in params, query and JSON bodies with a 400 naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/things/a%00b', { name: 'x', tags: [] }, 'params.id'],
      ['/things/a?note=x%00', { name: 'x', tags: [] }, 'querystring.note'],
      ['/things/a', { name: 'x', tags: ['ok', 'b\u0000d'] }, 'tags[1]'],
      ['/things/a', { name: 'x', tags: [], 'k\u0000': 1 }, 'k\u0000'],
    ];
    for (const [url, payload, field] of cases) {
      const response = await put(url, payload);
      expect(response.statusCode, url).toBe(400);
      expect(problemOf(response).errors).toEqual([{ field, message: 'must not contain NUL characters' }]);
    }
    expect((await put('/things/a?note=fine', { name: 'ünïcode ✓', tags: ['🙂'] })).json()).toEqual({ id: 'a' });
  });

  it('refuses unpaired surrogates (which PostgreSQL cannot store) in params, query, bodies and keys', async () => {
    const cases: [string, string, string][] = [
      ['/things/a%ED%A0%80', '{"name":"x","tags":[]}', 'params.id'],
      ['/things/a', '{"name":"x","tags":["ok","\\ud800"]}', 'tags[1]'],
      ['/things/a', '{"name":"x \\udc00 y","tags":[]}', 'name'],
      ['/things/a', '{"name":"x","tags":[],"\\ud83d":1}', '\ud83d'],
    ];
    for (const [url, payload, field] of cases) {
      const response = await app.inject({
        method: 'PUT',
        url,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      if (url.includes('%ED')) {
        // Node decodes a lone surrogate's UTF-8 bytes to U+FFFD, which is fine to store: not an error.
        expect(response.statusCode).not.toBe(500);
        continue;
      }
      expect(response.statusCode, payload).toBe(400);
      expect(problemOf(response).errors).toEqual([
        { field, message: 'must not contain unpaired surrogate characters' },
      ]);
    }
    const paired = await put('/things/a', { name: 'emoji 😀 pair', tags: ['\ud83d\ude00'] });
    expect(paired.statusCode).toBe(200);
  });

  it('answers URLs the router cannot decode, and over-long path segments, with problems that do not echo the URL', async () => {
    for (const url of ['/things/%FF', '/things/%E0%A4%A', '/things/a%GG']) {
      const response = await app.inject({ method: 'PUT', url, payload: { name: 'x', tags: [] } });
      expect(response.statusCode, url).toBe(400);
      const body = problemOf(response);
      expect(response.body).not.toContain('%');
      expect(body.requestId).toBeDefined();
    }
    const long = await app.inject({
      method: 'PUT',
      url: `/things/${'a'.repeat(600)}`,
      payload: { name: 'x', tags: [] },
    });
    expect(long.statusCode).toBe(414);
    expect(problemOf(long).type).toMatch(/problems\//);
    expect(long.body).not.toContain('aaaa');
    const query = await app.inject({
      method: 'PUT',
      url: '/things/a?note=%FF&count=%',
      payload: { name: 'x', tags: [] },
    });
    expect(query.statusCode).toBeLessThan(500);
  });

  it('coerces query strings to their types but takes JSON bodies exactly as sent', async () => {
    expect((await put('/things/a?count=3', { name: 'x', tags: [] })).json()).toEqual({ id: 'a', count: 3 });
    for (const [payload, field] of [
      [{ name: null, tags: [] }, 'name'],
      [{ name: 5, tags: [] }, 'name'],
      [{ name: 'x', tags: 'solo' }, 'tags'],
    ] as const) {
      const response = await put('/things/a', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(problemOf(response).errors).toEqual([{ field, message: expect.any(String) }]);
    }
  });

  it('documents problems as application/problem+json, and a 400 wherever a route takes input', async () => {
    const operation = (await app.inject({ url: '/openapi.json' })).json().paths['/things/{id}'].put;
    for (const status of ['400', '404'])
      expect(Object.keys(operation.responses[status].content)).toEqual(['application/problem+json']);
    const notFound = await put('/things/missing', { name: 'x', tags: [] });
    expect(notFound.statusCode).toBe(404);
    expect(problemOf(notFound)).toMatchObject({
      status: 404,
      detail: 'The thing was not found.',
      instance: '/things/missing',
    });
  });
});
