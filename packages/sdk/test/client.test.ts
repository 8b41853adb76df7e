import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiasporaClient, DiasporaError } from '../src/index.js';

/** A tiny stand-in for the gateway: each refresh makes a new generation of the pair. */
let generation = 0;
/** Access tokens older than this generation have expired. */
let validFrom = 0;
let refreshes = 0;
let revoked = false;
const bodies: string[] = [];
const read = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
};
const server = createServer(async (request, response) => {
  const body = await read(request);
  const json = (status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' });
    response.end(JSON.stringify(value));
  };
  const pair = () => ({
    user: { id: 'usr_1' },
    accessToken: `at-${generation}`,
    refreshToken: `rt-${generation}`,
    expiresIn: 900,
  });
  if (request.url === '/api/v1/users/auth/login')
    return JSON.parse(body).password === 'right'
      ? json(200, pair())
      : json(401, { title: 'Unauthorized', detail: 'Wrong email or password.' });
  if (request.url === '/api/v1/users/auth/refresh') {
    refreshes++;
    if (revoked || JSON.parse(body).refreshToken !== `rt-${generation}`) return json(401, { title: 'Unauthorized' });
    generation++;
    return json(200, pair());
  }
  if (request.url === '/api/v1/users/auth/logout') return response.writeHead(204).end();
  const access = /^Bearer at-(\d+)$/.exec(request.headers.authorization ?? '');
  if (!access || Number(access[1]) < validFrom) return json(401, { title: 'Unauthorized' });
  if (request.method === 'POST') bodies.push(body);
  return json(200, { id: 'pst_1', text: body ? JSON.parse(body).text : undefined });
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('the SDK sign-in flow', () => {
  it('signs in, refreshes once on a 401 shared by concurrent calls, resends bodies, and signs out', async () => {
    const seen: unknown[] = [];
    const client = new DiasporaClient({ baseUrl, onTokens: (tokens) => seen.push(tokens) });
    await expect(client.login('a@example.org', 'wrong')).rejects.toThrow(new DiasporaError(401, {}).constructor);
    expect((await client.login('a@example.org', 'right')).id).toBe('usr_1');
    validFrom = generation + 1; // the access token expires on the server side
    const before = refreshes;
    const [a, b, post] = await Promise.all([
      client.api.GET('/api/v1/users/profile'),
      client.api.GET('/api/v1/users/profile'),
      client.api.POST('/api/v1/content/posts', { body: { text: 'Bonjour', visibility: 'public' } }),
    ]);
    expect([a.response.status, b.response.status, post.response.status]).toEqual([200, 200, 200]);
    expect(post.data).toMatchObject({ text: 'Bonjour' });
    expect(refreshes - before).toBe(1);
    expect(bodies.at(-1)).toContain('Bonjour');
    await client.logout();
    expect(client.signedIn).toBe(false);
    expect(seen.at(-1)).toBeNull();
  });

  it('signs out when the refresh is refused (a revoked session) and answers the 401', async () => {
    const client = new DiasporaClient({ baseUrl });
    await client.login('a@example.org', 'right');
    revoked = true;
    validFrom = generation + 1;
    const { response } = await client.api.GET('/api/v1/users/profile');
    expect(response.status).toBe(401);
    expect(client.signedIn).toBe(false);
    revoked = false;
  });
});
