import { issueTestToken } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ambassadorOf, auth, consulOf, fakeUser, type Harness, startAdmin, superUser } from '../fixtures.js';

const root = superUser();
const ambassador = ambassadorOf('FR');
const consul = consulOf('FR', 'Lyon');
const regular = fakeUser({ displayName: 'Regular' });
const lyonMember = fakeUser({ displayName: 'Lyonnais', residenceCity: 'Lyon' });
const parisMember = fakeUser({ displayName: 'Parisienne' });
let h: Harness;

beforeAll(async () => {
  h = await startAdmin([root, ambassador, consul, regular, lyonMember, parisMember]);
});
afterAll(() => h.close());

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/v1/admin/me'],
  ['GET', '/api/v1/admin/users'],
  ['GET', `/api/v1/admin/users/${parisMember.id}`],
  ['POST', `/api/v1/admin/users/${parisMember.id}/suspend`, { reason: 'spam' }],
  ['POST', `/api/v1/admin/users/${parisMember.id}/reinstate`, {}],
  ['GET', '/api/v1/admin/reports'],
  ['GET', '/api/v1/admin/reports/cas_01jabcdefghjkmnpqrstvwxyz0'],
  ['POST', '/api/v1/admin/reports/cas_01jabcdefghjkmnpqrstvwxyz0/resolve', { action: 'dismiss' }],
  ['GET', '/api/v1/admin/analytics/growth'],
  ['GET', '/api/v1/admin/analytics/revenue?format=csv'],
  ['GET', '/api/v1/admin/audit'],
  ['GET', '/api/v1/admin/settings'],
  ['PUT', '/api/v1/admin/settings', { reportThreshold: 5 }],
];

describe('who may use the admin API', () => {
  it('answers 401 without a token and 403 to a regular member on every admin route', async () => {
    for (const [method, url, payload] of ROUTES) {
      const anonymous = await h.app.inject({ method: method as 'GET', url, ...(payload ? { payload } : {}) });
      expect(anonymous.statusCode, `${method} ${url}`).toBe(401);
      const answer = await h.app.inject({
        method: method as 'GET',
        url,
        headers: auth(regular),
        ...(payload ? { payload } : {}),
      });
      expect(answer.statusCode, `${method} ${url}`).toBe(403);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('reads roles from the user service, not the token: a token claiming super is not enough', async () => {
    const forged = issueTestToken({ sub: regular.id, roles: ['super'] });
    const answer = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(answer.statusCode).toBe(403);
  });

  it('gives each admin their scope: super all, ambassador the country, consul the city', async () => {
    const me = async (user: typeof root) =>
      (await h.app.inject({ method: 'GET', url: '/api/v1/admin/me', headers: auth(user) })).json().scope;
    expect(await me(root)).toEqual({ kind: 'all' });
    expect(await me(ambassador)).toEqual({ kind: 'country', country: 'FR' });
    expect(await me(consul)).toEqual({ kind: 'city', country: 'FR', city: 'Lyon' });
  });

  it('refuses a consul acting outside their city (403) and lets them act inside it', async () => {
    const outside = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${parisMember.id}/suspend`,
      headers: auth(consul),
      payload: { reason: 'spam' },
    });
    expect(outside.statusCode).toBe(403);
    const detailOutside = await h.app.inject({
      method: 'GET',
      url: `/api/v1/admin/users/${parisMember.id}`,
      headers: auth(consul),
    });
    expect(detailOutside.statusCode).toBe(403);
    const analyticsOutside = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/analytics/growth?city=Paris',
      headers: auth(consul),
    });
    expect(analyticsOutside.statusCode).toBe(403);
    const searchAbroad = await h.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?country=SN',
      headers: auth(ambassador),
    });
    expect(searchAbroad.statusCode).toBe(403);

    const inside = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${lyonMember.id}/suspend`,
      headers: auth(consul),
      payload: { reason: 'spam' },
    });
    expect(inside.statusCode).toBe(200);
    expect(inside.json()).toMatchObject({ id: lyonMember.id, status: 'suspended' });
  });

  it('keeps the search within the scope and shows emails to super users only', async () => {
    const asConsul = await h.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: auth(consul) });
    expect(asConsul.statusCode).toBe(200);
    const ids = asConsul.json().items.map((item: { id: string }) => item.id);
    expect(ids).toContain(lyonMember.id);
    expect(ids).not.toContain(parisMember.id);
    expect(asConsul.json().items.every((item: { email?: string }) => item.email === undefined)).toBe(true);
    const asRoot = await h.app.inject({ method: 'GET', url: '/api/v1/admin/users?q=Paris', headers: auth(root) });
    expect(asRoot.json().items).toEqual([expect.objectContaining({ id: parisMember.id, email: expect.any(String) })]);
  });

  it('lets only super users change settings; every admin reads them', async () => {
    const read = await h.app.inject({ method: 'GET', url: '/api/v1/admin/settings', headers: auth(ambassador) });
    expect(read.statusCode).toBe(200);
    const write = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/settings',
      headers: auth(ambassador),
      payload: { reportThreshold: 9 },
    });
    expect(write.statusCode).toBe(403);
  });
});
