import { createServer } from 'node:net';
import { createLogger, MemoryCache } from '@diaspora/service-kit';
import { testSigningKey } from '@diaspora/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/gateway.js';
import { safeToResend, UpstreamTargets } from '../src/upstream-targets.js';
import { writeKongConfig } from './fixtures.js';

describe('UpstreamTargets', () => {
  it('takes the targets in turn', () => {
    const targets = new UpstreamTargets(['a', 'b', 'c']);
    expect([1, 2, 3, 4, 5].map(() => targets.pick())).toEqual(['a', 'b', 'c', 'a', 'b']);
  });

  it('skips a target marked down until its pause is over, and never answers an excluded one', () => {
    let now = 0;
    const targets = new UpstreamTargets(['a', 'b'], () => now);
    targets.markDown('a');
    expect([1, 2, 3].map(() => targets.pick())).toEqual(['b', 'b', 'b']);
    expect(targets.pick(new Set(['b']))).toBe('a'); // every other one down: tried anyway
    expect(targets.pick(new Set(['a', 'b']))).toBeUndefined();
    now = 5_001;
    expect(new Set([targets.pick(), targets.pick()])).toEqual(new Set(['a', 'b']));
  });
});

describe('safeToResend', () => {
  const wrapped = (code: string) =>
    Object.assign(new Error('wrapped'), { cause: Object.assign(new Error(code), { code }) });
  const post = { method: 'POST', headers: {} };
  it('resends any request that never connected', () => {
    expect(safeToResend(wrapped('ECONNREFUSED'), post)).toBe(true);
  });
  it('resends a request whose connection was lost only when repeating it is harmless', () => {
    expect(safeToResend(wrapped('UND_ERR_SOCKET'), post)).toBe(false);
    expect(safeToResend(wrapped('UND_ERR_SOCKET'), { method: 'GET', headers: {} })).toBe(true);
    expect(safeToResend(wrapped('ECONNRESET'), { method: 'POST', headers: { 'idempotency-key': 'k1' } })).toBe(true);
  });
  it('never resends after a timeout or another error (the target may still be working on it)', () => {
    expect(safeToResend(wrapped('UND_ERR_HEADERS_TIMEOUT'), { method: 'GET', headers: {} })).toBe(false);
    expect(safeToResend(new Error('boom'), { method: 'GET', headers: {} })).toBe(false);
  });
});

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a gateway upstream with several targets', () => {
  const instances: FastifyInstance[] = [];
  let gateway: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    const urls: string[] = [];
    for (const name of ['one', 'two']) {
      const app = Fastify();
      app.all('/*', async () => ({ instance: name }));
      urls.push(await app.listen({ host: '127.0.0.1', port: 0 }));
      instances.push(app);
    }
    gateway = await createGateway({
      kongConfigPath: writeKongConfig(`
_format_version: "3.0"
services:
  - name: echo-service
    url: http://echo.internal:8080
    routes: [{ name: echo, paths: [/api/v1/echo], strip_path: false }]
`),
      env: { JWT_PUBLIC_KEY: testSigningKey().publicKeyPem },
      upstreams: { 'echo-service': [...urls, `http://127.0.0.1:${await deadPort()}`] },
      cache: new MemoryCache(),
      logger: createLogger({ service: 'gateway', level: 'silent' }),
    });
    url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    for (const app of instances) await app.close();
  });

  it('spreads requests over the live targets, and one that refuses connections fails none of them', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) {
      const response = await fetch(`${url}/api/v1/echo/x`, {
        method: i % 2 ? 'POST' : 'GET',
        body: i % 2 ? 'b' : null,
      });
      expect(response.status).toBe(200);
      seen.push(((await response.json()) as { instance: string }).instance);
    }
    expect(seen.filter((name) => name === 'one').length).toBeGreaterThanOrEqual(3);
    expect(seen.filter((name) => name === 'two').length).toBeGreaterThanOrEqual(3);
  });

  it('answers 502 when no target takes the connection', async () => {
    for (const app of instances) await app.close();
    const response = await fetch(`${url}/api/v1/echo/x`);
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
