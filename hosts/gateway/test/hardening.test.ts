import { connect } from 'node:net';
import { issueTestToken } from '@diaspora/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream, startGateway } from './fixtures.js';

let upstream: { app: FastifyInstance; url: string };
let direct: { gateway: FastifyInstance; url: string };
let behindProxy: { gateway: FastifyInstance; url: string };
beforeAll(async () => {
  upstream = await startEchoUpstream();
  direct = await startGateway(upstream.url);
  behindProxy = await startGateway(upstream.url, undefined, {
    trustedProxies: ['loopback'],
    hstsMaxAgeSeconds: 31_536_000,
  });
});
afterAll(async () => {
  await direct?.gateway.close();
  await behindProxy?.gateway.close();
  await upstream?.app.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the echo upstream's report is read loosely, asserted precisely
const seenBy = async (response: Response): Promise<any> => response.json();

/** Sends a request line exactly as written (fetch would normalize the URL first). */
function rawGet(base: string, target: string, extra = ''): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\n${extra}Connection: close\r\n\r\n`),
    );
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('X-Forwarded-For', () => {
  it('is replaced by the address the gateway saw when the client is not a trusted proxy', async () => {
    const seen = await seenBy(
      await fetch(`${direct.url}/api/v1/echo/public/a`, { headers: { 'x-forwarded-for': '6.6.6.6, 7.7.7.7' } }),
    );
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
  });

  it('rotating it does not buy a fresh per-IP budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${direct.url}/api/v1/echo/public/rotate`, {
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toContain(429);
  });

  it('keeps the hops of a configured trusted proxy, and only those', async () => {
    const seen = await seenBy(
      await fetch(`${behindProxy.url}/api/v1/echo/public/b`, {
        headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' },
      }),
    );
    // 127.0.0.1 (the test, acting as the load balancer) is trusted, so its claim 203.0.113.9 is the client;
    // 6.6.6.6 was written by that client and is dropped.
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(seen.headers['x-real-ip']).toBe('203.0.113.9');
  });
});

describe('odd URLs', () => {
  it('answers invalid percent-encoding in the query with a 400 problem, on any route and before auth', async () => {
    for (const target of ['/api/v1/echo/public/a?x=%FF', '/api/v1/echo/public/a?x=%', '/api/v1/echo/me?q=%E0%A4%A']) {
      const response = await fetch(`${direct.url}${target}`);
      expect(response.status, target).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.text()).not.toContain('%');
    }
  });

  it('answers a path that does not decode with a problem that does not echo it', async () => {
    const answer = await rawGet(direct.url, '/api/v1/echo/%FF%3Cscript%3E');
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(answer).toContain('application/problem+json');
    expect(answer).not.toContain('%3C');
  });

  it('refuses a WebSocket upgrade whose URL does not decode', async () => {
    const answer = await rawGet(
      direct.url,
      `/ws/chat?token=${issueTestToken({ sub: 'usr_x' })}&x=%FF`,
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1.1 400/);
  });
});

describe('security headers', () => {
  const defensive = (response: Response) => {
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  };

  it('are on the answers the gateway makes itself (401, 404, 413, 429, 502)', async () => {
    const answers = [
      await fetch(`${direct.url}/api/v1/echo/me`),
      await fetch(`${direct.url}/nowhere`),
      await fetch(`${direct.url}/api/v1/echo/small`, { method: 'POST', body: 'x'.repeat(4096) }),
      await fetch(`${direct.url}/api/v1/down`),
    ];
    let limited: Response | undefined;
    for (let i = 0; i < 5 && !limited; i++) {
      const response = await fetch(`${direct.url}/api/v1/echo/public/headers`);
      if (response.status === 429) limited = response;
    }
    answers.push(limited!);
    expect(answers.map((response) => response.status)).toEqual([401, 404, 413, 502, 429]);
    for (const response of answers) {
      defensive(response);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('give /docs a content security policy and keep upstream answers framed out', async () => {
    const docs = await fetch(`${direct.url}/docs`);
    defensive(docs);
    const policy = docs.headers.get('content-security-policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("script-src 'self' 'unsafe-inline'");
    expect((await fetch(`${direct.url}/docs/swagger-ui.css`)).headers.get('cache-control')).toContain('max-age');
    defensive(await fetch(`${direct.url}/api/v1/echo/public/c`));
    defensive(await fetch(`${direct.url}/openapi.json`));
  });

  it('include HSTS where TLS is terminated in front (configured)', async () => {
    const response = await fetch(`${behindProxy.url}/nowhere`);
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
});
