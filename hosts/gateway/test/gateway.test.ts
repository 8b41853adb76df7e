import { issueTestToken } from '@diaspora/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startEchoUpstream, startGateway } from './fixtures.js';

let upstream: { app: FastifyInstance; url: string };
let gateway: { gateway: FastifyInstance; url: string };
beforeAll(async () => {
  upstream = await startEchoUpstream();
  gateway = await startGateway(upstream.url);
});
afterAll(async () => {
  await gateway?.gateway.close();
  await upstream?.app.close();
});

const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
/** What the echo upstream reports, or a problem / OpenAPI body: read loosely, asserted precisely. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field below
const json = async (response: Response): Promise<any> => response.json();
const token = () => issueTestToken({ sub: 'usr_gateway' });

describe('proxying', () => {
  it('forwards method, path, query and body, and adds forwarding and correlation headers', async () => {
    const response = await call('/api/v1/echo/public/things?limit=2', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(200);
    const seen = await json(response);
    expect(seen).toMatchObject({ method: 'POST', url: '/api/v1/echo/public/things?limit=2', body: '{"a":1}' });
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-request-id']).toBe(response.headers.get('x-request-id'));
    expect(response.headers.get('ratelimit-limit')).toBe('3');
  });

  it('forwards an empty JSON body empty (reply-from alone re-encoded it as a serialized Buffer)', async () => {
    const response = await call('/api/v1/echo/small/empty', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    const seen = await json(response);
    expect(seen.headers['content-length']).toBe('0');
    expect(seen.body ?? '').toBe('');
  });

  it('keeps a client-supplied correlation id end to end', async () => {
    const response = await call('/api/v1/echo/public', { headers: { 'x-request-id': 'client-42' } });
    expect((await json(response)).headers['x-request-id']).toBe('client-42');
    expect(response.headers.get('x-request-id')).toBe('client-42');
  });

  it('strips the route prefix when the route says so', async () => {
    expect((await json(await call('/strip/inner?q=1'))).url).toBe('/inner?q=1');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await call('/api/v2/nothing');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(response)).toMatchObject({ status: 404, requestId: expect.any(String) });
  });

  it('answers requests Node refuses to parse (a URL beyond the header limit) with a problem too', async () => {
    const response = await call(`/api/v1/echo/public?q=${'x'.repeat(20_000)}`);
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await json(response)).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
  });

  it('answers 502 (problem+json, no internals) when the upstream is down', async () => {
    const response = await call('/api/v1/down/x');
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:9/);
    expect(JSON.parse(body)).toMatchObject({ status: 502 });
  });
});

describe('jwt plugin', () => {
  it('lets a valid token through and names the consumer to the upstream', async () => {
    const response = await call('/api/v1/echo/me', { headers: { authorization: `Bearer ${token()}` } });
    expect(response.status).toBe(200);
    expect((await json(response)).headers).toMatchObject({
      'x-consumer-username': 'diaspora-user-service',
      'x-credential-identifier': 'diaspora-users',
      authorization: expect.stringMatching(/^Bearer /),
    });
  });

  it('refuses missing, tampered, expired and foreign tokens with 401 problems', async () => {
    const valid = token();
    const [header, payload] = valid.split('.');
    const tampered = `${header}.${payload}.c2lnbmF0dXJl`;
    const expired = issueTestToken({ sub: 'usr_x' }, { expiresInSeconds: -5 });
    const foreign = `${header}.${Buffer.from(JSON.stringify({ iss: 'elsewhere', sub: 'x' })).toString('base64url')}.x`;
    for (const [name, value] of Object.entries({ missing: undefined, tampered, expired, foreign })) {
      const response = await call('/api/v1/echo/me', value ? { headers: { authorization: `Bearer ${value}` } } : {});
      expect(response.status, name).toBe(401);
      expect(response.headers.get('content-type'), name).toContain('application/problem+json');
    }
  });
});

describe('rate-limiting plugin', () => {
  it('answers 429 with Retry-After once the route budget is spent, counting per route', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await call('/api/v1/echo/public/limit');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(-1)).toEqual([429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited!.headers.get('x-ratelimit-remaining-minute')).toBe('0');
    expect(await json(limited!)).toMatchObject({ status: 429, type: expect.stringMatching(/rate-limited$/) });
    // The global budget is separate: other routes still pass.
    expect((await call('/strip/x')).status).toBe(200);
  });
});

describe('request-size-limiting plugin', () => {
  it('answers 413 above the route limit and above the global one', async () => {
    const small = await call('/api/v1/echo/small', { method: 'POST', body: 'x'.repeat(2048) });
    expect(small.status).toBe(413);
    expect((await call('/api/v1/echo/small', { method: 'POST', body: 'x'.repeat(512) })).status).toBe(200);
    const global = await call('/strip/x', { method: 'POST', body: 'x'.repeat(70 * 1024) });
    expect(global.status).toBe(413);
    expect(global.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('cors plugin', () => {
  it('answers preflights for allowed origins itself', async () => {
    const response = await call('/api/v1/echo/me', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it('decorates responses for allowed origins only', async () => {
    const allowed = await call('/strip/x', { headers: { origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('X-Request-ID');
    const other = await call('/strip/x', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('WebSocket upgrades', () => {
  const open = (path: string) =>
    new Promise<{ socket: WebSocket; first: string }>((resolve, reject) => {
      const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}${path}`);
      socket.once('message', (data) => resolve({ socket, first: String(data) }));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      socket.once('error', reject);
    });

  it('tunnels an authenticated upgrade to the upstream, both ways', async () => {
    const { socket, first } = await open(`/ws/chat?token=${token()}`);
    expect(JSON.parse(first)).toMatchObject({
      hello: expect.stringMatching(/^\/ws\/chat\?token=/),
      requestId: expect.any(String),
    });
    const echoed = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send('ping');
    expect(await echoed).toBe('echo:ping');
    socket.close();
  });

  it('refuses an upgrade without a token with 401', async () => {
    await expect(open('/ws/chat')).rejects.toThrow('HTTP 401');
  });
});

describe('API documentation', () => {
  it('aggregates upstream OpenAPI documents and serves Swagger UI', async () => {
    const document = await json(await call('/openapi.json'));
    expect(Object.keys(document.paths)).toContain('/api/v1/echo/public');
    expect(document['x-unavailable-services']).toEqual(['down-service']);
    const docs = await call('/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('swagger-ui');
    expect((await call('/docs/swagger-ui-bundle.js')).status).toBe(200);
  });
});

describe('deployments hosting only some services (all-in-one)', () => {
  it('answers 503 for services it does not host and leaves them out of the docs', async () => {
    const partial = await startGateway(upstream.url, undefined, { onlyListedUpstreams: true });
    try {
      const response = await fetch(`${partial.url}/api/v1/down/x`);
      expect(response.status).toBe(503);
      expect(await json(response)).toMatchObject({ detail: expect.stringContaining('down-service') });
      const document = await json(await fetch(`${partial.url}/openapi.json`));
      expect(document['x-unavailable-services']).toEqual([]);
      expect((await fetch(`${partial.url}/api/v1/echo/public`)).status).toBe(200);
    } finally {
      await partial.gateway.close();
    }
  });
});
