import { UserRegistered } from '@diaspora/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, member, type SearchTestService, startSearchService, tokenFor } from '../fixtures.js';

let service: SearchTestService;
const viewer = member();
const free = tokenFor(viewer.userId, 'free');
const premium = tokenFor(viewer.userId, 'premium');

beforeAll(async () => {
  service = await startSearchService();
  await deliver(service, UserRegistered, viewer);
}, 60_000);
afterAll(async () => service?.close());

const get = (url: string, token: string | null = free) =>
  service.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('access', () => {
  it('needs a signed-in member', async () => {
    expect((await get('/api/v1/search?q=amina', null)).statusCode).toBe(401);
    expect((await get('/api/v1/search/suggest?q=am', null)).statusCode).toBe(401);
  });
});

describe('premium filters (403 premium-feature for free members)', () => {
  const cases = [
    ['several domains', '/api/v1/search?domain=ict,health'],
    ['several domains, repeated', '/api/v1/search?domain=ict&domain=health'],
    ['a radius over 50 km', '/api/v1/search?near=48.85,2.35&radiusKm=51'],
    ['people by origin and city', '/api/v1/search?type=users&country=SN&city=Paris'],
    ['origin and city over every type (people included)', '/api/v1/search?country=SN&city=Paris'],
  ];
  for (const [name, url] of cases) {
    it(`${name}: 403 for free, 200 for premium`, async () => {
      const refused = await get(url as string);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({
        type: 'https://diaspora.community/problems/premium-feature',
        status: 403,
      });
      expect(refused.json().detail).toMatch(/^Premium feature/);
      expect((await get(url as string, premium)).statusCode).toBe(200);
    });
  }

  it('lets free members use one domain, 50 km, and origin and city for events', async () => {
    for (const url of [
      '/api/v1/search?domain=ict',
      '/api/v1/search?near=48.85,2.35&radiusKm=50',
      '/api/v1/search?type=events&country=FR&city=Paris',
      '/api/v1/search?type=users&country=SN',
    ])
      expect((await get(url)).statusCode, url).toBe(200);
  });
});

describe('bad input: 400 problems or a literal search, never a 500', () => {
  it('treats query syntax as literal words', async () => {
    for (const q of [
      '*:* OR "',
      '"unbalanced',
      'title:(a OR b) AND -c~2 ^3',
      '\\',
      '{"match_all":{}}',
      "'; DROP TABLE x; --",
    ]) {
      const response = await get(`/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(response.statusCode, q).toBe(200);
      expect(response.json()).toHaveProperty('items');
    }
  });

  it('refuses over-long text, bad radius, unknown type, bad dates and malformed cursors with field-named 400s', async () => {
    const cases: Array<[string, string]> = [
      [`q=${'a'.repeat(10_240)}`, 'q'],
      ['near=48.85,2.35&radiusKm=-5', 'radiusKm'],
      ['near=48.85,2.35&radiusKm=0', 'radiusKm'],
      ['near=48.85,2.35&radiusKm=100000000', 'radiusKm'],
      ['near=48.85,2.35&radiusKm=abc', 'radiusKm'],
      ['radiusKm=10', 'near'],
      ['near=91,0', 'near'],
      ['near=paris', 'near'],
      ['type=groups', 'type'],
      ['from=yesterday', 'from'],
      ['from=2026-02-01&to=2026-01-01', 'to'],
      ['country=France', 'country'],
      ['tags=<script>', 'tags'],
      ['limit=0', 'limit'],
      ['limit=500', 'limit'],
    ];
    for (const [query, field] of cases) {
      const response = await get(`/api/v1/search?${query}`, premium);
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(
        response.json().errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
  });

  it('refuses a malformed cursor, or one issued for another query or member', async () => {
    const garbage = await get('/api/v1/search?q=x&cursor=not-a-cursor');
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().type).toBe('https://diaspora.community/problems/invalid-cursor');
    for (let i = 0; i < 3; i++) await deliver(service, UserRegistered, member({ displayName: `Cursor Person ${i}` }));
    const { until } = await import('@diaspora/testing');
    const first = await until(async () => {
      const page = (await get('/api/v1/search?q=cursor&limit=1')).json();
      return page.nextCursor ? page : null;
    });
    const cursor = encodeURIComponent(first.nextCursor);
    expect((await get(`/api/v1/search?q=cursor&limit=1&cursor=${cursor}`)).statusCode).toBe(200);
    expect((await get(`/api/v1/search?q=other&limit=1&cursor=${cursor}`)).statusCode).toBe(400);
    expect((await get(`/api/v1/search?q=cursor&limit=1&cursor=${cursor}`, tokenFor(member().userId))).statusCode).toBe(
      400,
    );
  });

  it('validates suggestions too', async () => {
    expect((await get('/api/v1/search/suggest?q=')).statusCode).toBe(400);
    expect((await get(`/api/v1/search/suggest?q=${'a'.repeat(200)}`)).statusCode).toBe(400);
    expect((await get('/api/v1/search/suggest?q=%22*%3A*')).statusCode).toBe(200);
  });
});
