import { UserProfileUpdated } from '@diaspora/events';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actor,
  ambassador,
  consul,
  createEvent,
  deliver,
  fakeUser,
  type Harness,
  inHours,
  member,
  register,
  startEventService,
} from '../fixtures.js';

const amina = fakeUser({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });
let h: Harness;
const ids: Record<string, string> = {};

const place = (city: string, country: string, lat: number, lon: number) => ({
  name: `Hall ${city}`,
  address: '1 main street',
  city,
  country,
  lat,
  lon,
});
const PARIS = place('Paris', 'FR', 48.8566, 2.3522);
const VERSAILLES = place('Versailles', 'FR', 48.8049, 2.1204); // ~18 km from Paris
const LYON = place('Lyon', 'FR', 45.764, 4.8357); // ~390 km
const DAKAR = place('Dakar', 'SN', 14.7167, -17.4677);
const BERLIN = place('Berlin', 'DE', 52.52, 13.405);

beforeAll(async () => {
  h = await startEventService({ users: [amina] });
  const someone = member();
  ids.parisIct = (await createEvent(h.app, someone, { venue: PARIS, startsAt: inHours(30), endsAt: inHours(32) })).id;
  ids.parisHealth = (
    await createEvent(h.app, someone, {
      venue: PARIS,
      domain: 'health',
      languages: ['wo'],
      startsAt: inHours(40),
      endsAt: inHours(42),
    })
  ).id;
  ids.versailles = (
    await createEvent(h.app, someone, { venue: VERSAILLES, startsAt: inHours(50), endsAt: inHours(52) })
  ).id;
  ids.lyonNational = (
    await createEvent(h.app, ambassador('FR'), {
      type: 'national',
      venue: LYON,
      startsAt: inHours(60),
      endsAt: inHours(62),
    })
  ).id;
  ids.lyonLocal = (
    await createEvent(h.app, consul('FR', 'Lyon'), {
      type: 'local',
      venue: LYON,
      startsAt: inHours(70),
      endsAt: inHours(72),
    })
  ).id;
  ids.dakar = (await createEvent(h.app, someone, { venue: DAKAR, startsAt: inHours(80), endsAt: inHours(82) })).id;
  ids.berlin = (await createEvent(h.app, someone, { venue: BERLIN, startsAt: inHours(90), endsAt: inHours(92) })).id;
  ids.online = (
    await createEvent(h.app, someone, {
      venue: undefined,
      online: { url: 'https://meet.example/a' },
      startsAt: inHours(95),
      endsAt: inHours(96),
    })
  ).id;
  for (let i = 0; i < 3; i++) await register(h.app, ids.berlin, member());
  await register(h.app, ids.dakar, member());
});
afterAll(async () => h?.close());

const list = async (query: string) => {
  const response = await h.app.inject({ url: `/api/v1/events?${query}`, headers: member().headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: { id: string; distanceKm?: number }[]; nextCursor: string | null };
};
const idsOf = (page: { items: { id: string }[] }) => page.items.map((item) => item.id);

describe('listing with filters', () => {
  it('filters by country, city, domain, type, language and date range, soonest first', async () => {
    expect(idsOf(await list('country=FR&limit=100'))).toEqual([
      ids.parisIct,
      ids.parisHealth,
      ids.versailles,
      ids.lyonNational,
      ids.lyonLocal,
    ]);
    expect(idsOf(await list('city=paris'))).toEqual([ids.parisIct, ids.parisHealth]);
    expect(idsOf(await list('domain=health'))).toEqual([ids.parisHealth]);
    expect(idsOf(await list('type=national'))).toEqual([ids.lyonNational]);
    expect(idsOf(await list('language=wo'))).toEqual([ids.parisHealth]);
    expect(idsOf(await list(`from=${encodeURIComponent(inHours(55))}&to=${encodeURIComponent(inHours(85))}`))).toEqual([
      ids.lyonNational,
      ids.lyonLocal,
      ids.dakar,
    ]);
  });

  it('finds events near a point within a radius (earthdistance), with their distance', async () => {
    const near = await list('near=48.8566,2.3522&radiusKm=25');
    expect(idsOf(near)).toEqual([ids.parisIct, ids.parisHealth, ids.versailles]);
    const versailles = near.items.find((item) => item.id === ids.versailles)!;
    expect(versailles.distanceKm).toBeGreaterThan(15);
    expect(versailles.distanceKm).toBeLessThan(20);
    expect(idsOf(await list('near=48.8566,2.3522&radiusKm=5'))).toEqual([ids.parisIct, ids.parisHealth]);
    expect(idsOf(await list('near=48.8566,2.3522&radiusKm=500&type=local'))).toEqual([ids.lyonLocal]);
  });

  it('pages with an opaque cursor', async () => {
    const first = await list('limit=3');
    expect(first.items).toHaveLength(3);
    const second = await list(`limit=3&cursor=${first.nextCursor}`);
    const third = await list(`limit=3&cursor=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    const all = [...idsOf(first), ...idsOf(second), ...idsOf(third)];
    expect(new Set(all).size).toBe(8);
  });

  it('refuses a cursor it did not issue, or one issued for other filters, with 400 invalid-cursor', async () => {
    const headers = member().headers;
    const issued = (await list('limit=3')).nextCursor!;
    for (const query of ['cursor=garbage', `cursor=${issued}x`, `country=FR&cursor=${issued}`]) {
      const response = await h.app.inject({ url: `/api/v1/events?${query}`, headers });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().type, query).toMatch(/invalid-cursor$/);
    }
  });

  it('answers bad filters with field errors', async () => {
    const headers = member().headers;
    for (const [query, field] of [
      ['country=ZZ', 'querystring.country'],
      ['near=91,2&radiusKm=5', 'near'],
      ['radiusKm=5', 'near'],
      ['near=0,0&radiusKm=5e-324', 'querystring.radiusKm'],
      ['domain=astrology', 'querystring.domain'],
      [`from=${encodeURIComponent(inHours(10))}&to=${encodeURIComponent(inHours(5))}`, 'to'],
    ] as const) {
      const response = await h.app.inject({ url: `/api/v1/events?${query}`, headers });
      expect(response.statusCode, query).toBe(400);
      expect(
        response.json().errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
  });
});

describe('personalized and popular', () => {
  it('/upcoming shows the residence city, national events of the residence country and the origin country', async () => {
    const response = await h.app.inject({
      url: '/api/v1/events/upcoming',
      headers: actor({ roles: ['regular'], country: 'FR', city: 'Paris' }, amina.id).headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      personalization: 'profile',
      audience: { residenceCountry: 'FR', residenceCity: 'Paris', originCountry: 'SN' },
    });
    expect(idsOf(response.json())).toEqual([ids.parisIct, ids.parisHealth, ids.lyonNational, ids.dakar]);
  });

  it('/upcoming follows a move once users.profile.updated arrives (the audience is cached meanwhile)', async () => {
    const moving = fakeUser({ originCountry: 'SN', residenceCountry: 'FR', residenceCity: 'Paris' });
    h.users.users.set(moving.id, moving);
    const headers = actor({ roles: ['regular'] }, moving.id).headers;
    const before = await h.app.inject({ url: '/api/v1/events/upcoming', headers });
    expect(before.json().audience.residenceCity).toBe('Paris');
    h.users.users.set(moving.id, { ...moving, residenceCountry: 'DE', residenceCity: 'Berlin' });
    const cached = await h.app.inject({ url: '/api/v1/events/upcoming', headers });
    expect(cached.json().audience.residenceCity).toBe('Paris');
    await deliver(h.service, UserProfileUpdated, {
      userId: moving.id,
      displayName: 'Mover',
      originCountry: 'SN',
      residenceCountry: 'DE',
      residenceCity: 'Berlin',
      languages: ['fr'],
      domains: [],
      changed: ['residenceCountry', 'residenceCity'],
      updatedAt: new Date().toISOString(),
    });
    const moved = await until(
      async () => {
        const response = await h.app.inject({ url: '/api/v1/events/upcoming', headers });
        const page = response.json() as { items: { id: string }[]; audience: { residenceCity: string } };
        return page.audience.residenceCity === 'Berlin' ? page : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(idsOf(moved)).toEqual([ids.dakar, ids.berlin]);
  });

  it('/upcoming falls back to the token when the user service does not know the member', async () => {
    const stranger = actor({ roles: ['regular'], country: 'DE', city: 'Berlin' });
    const response = await h.app.inject({ url: '/api/v1/events/upcoming', headers: stranger.headers });
    expect(response.json()).toMatchObject({ personalization: 'token' });
    expect(idsOf(response.json())).toEqual([ids.berlin]);
  });

  it('/popular ranks by registrations', async () => {
    const response = await h.app.inject({ url: '/api/v1/events/popular?limit=2', headers: member().headers });
    expect(idsOf(response.json())).toEqual([ids.berlin, ids.dakar]);
    const next = await h.app.inject({
      url: `/api/v1/events/popular?limit=2&cursor=${response.json().nextCursor}`,
      headers: member().headers,
    });
    expect(idsOf(next.json())).not.toContain(ids.berlin);
  });
});
