import { issueTestToken } from '@diaspora/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const withToken = (token: string) =>
  fetch(`${gateway.url}/api/v1/echo/me`, { headers: { authorization: `Bearer ${token}` } });

describe('jwt plugin: signatures verified once per token', () => {
  it('a remembered token does not vouch for the same claims under another signature', async () => {
    const valid = issueTestToken({ sub: 'usr_remembered' });
    for (let i = 0; i < 3; i++) expect((await withToken(valid)).status).toBe(200);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await withToken(`${header}.${payload}.${flipped}`)).status).toBe(401);
    expect((await withToken(`${header}.${payload}.`)).status).toBe(401);
    expect((await withToken(valid)).status).toBe(200);
  });

  it('a remembered token is still refused once it expires (claims are checked on every request)', async () => {
    const shortLived = issueTestToken({ sub: 'usr_short' }, { expiresInSeconds: 2 });
    expect((await withToken(shortLived)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await withToken(shortLived);
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ detail: 'Token expired.' });
  });
});
