import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEventService } from '../event-fake.js';
import { bearer, type Member, member, startIntegration } from '../fixtures.js';

const superUser = member({}, { roles: ['super'] });
const regular = member();
let h: Awaited<ReturnType<typeof startIntegration>>;
let events: Awaited<ReturnType<typeof startFakeEventService>>;
beforeAll(async () => {
  events = await startFakeEventService();
  h = await startIntegration([superUser, regular], {
    EVENT_GRPC_ADDR: events.address,
    INBOUND_RATE_LIMIT_PER_MINUTE: '5',
  });
});
afterAll(async () => {
  await h?.close();
  await events?.stop();
});

const BASE = '/api/v1/integrations';
const post = (url: string, who: Member, payload: unknown) =>
  h.app.inject({ method: 'POST', url: `${BASE}${url}`, headers: bearer(who), payload: payload as object });

async function organizationWithKey(scopes: string[]) {
  const organization = (await post('/organizations', superUser, { name: 'Association des Sénégalais' })).json();
  const created = await post(`/organizations/${organization.id}/keys`, superUser, { name: 'CRM sync', scopes });
  expect(created.statusCode).toBe(201);
  return { organization, key: created.json() };
}

const withKey = (key: string, extra: Record<string, string> = {}) => ({ authorization: `ApiKey ${key}`, ...extra });

describe('inbound API for external databases', () => {
  it('organizations and keys are for super users; a key is shown once and stored hashed', async () => {
    expect((await post('/organizations', regular, { name: 'X' })).statusCode).toBe(403);
    expect((await post('/organizations', superUser, { name: '' })).statusCode).toBe(400);
    const { organization, key } = await organizationWithKey(['registrations:write']);
    expect(key).toMatchObject({ organizationId: organization.id, scopes: ['registrations:write'] });
    expect(key.key).toMatch(/^dik_/);
    const listed = await h.app.inject({
      method: 'GET',
      url: `${BASE}/organizations/${organization.id}/keys`,
      headers: bearer(superUser),
    });
    expect(listed.json().items).toEqual([expect.objectContaining({ id: key.id, prefix: key.key.slice(0, 10) })]);
    expect(listed.body).not.toContain(key.key);
    const { rows } = await h.service.context.db.query('SELECT hash FROM inbound_api_keys WHERE id = $1', [key.id]);
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(key.key);
    expect(
      (await post(`/organizations/${newId('org')}/keys`, superUser, { name: 'k', scopes: ['events:import'] }))
        .statusCode,
    ).toBe(404);
    expect(
      (await post(`/organizations/${organization.id}/keys`, superUser, { name: 'k', scopes: ['admin'] })).statusCode,
    ).toBe(400);
  });

  it('registers a member through the event service, with either header, idempotently', async () => {
    const { organization, key } = await organizationWithKey(['registrations:write']);
    const event = events.add(newId('usr'), { capacity: 1 });
    const [ada, ben] = [newId('usr'), newId('usr')];
    const first = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: withKey(key.key, { 'idempotency-key': 'row-17' }),
      payload: { eventId: event.id, userId: ada },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ eventId: event.id, userId: ada, status: 'confirmed' });
    expect(events.calls.at(-1)).toEqual({
      method: 'register',
      request: { eventId: event.id, userId: ada, organizationId: organization.id },
    });
    // The same retry is replayed, not sent again.
    const calls = events.calls.length;
    const replay = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: withKey(key.key, { 'idempotency-key': 'row-17' }),
      payload: { eventId: event.id, userId: ada },
    });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(events.calls.length).toBe(calls);
    // X-Api-Key works too; the capacity rule is the event service's: the second member waits.
    const second = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: { 'x-api-key': key.key },
      payload: { eventId: event.id, userId: ben },
    });
    expect(second.json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    // Its refusals come back as problems.
    const again = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: { 'x-api-key': key.key },
      payload: { eventId: event.id, userId: ben },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('already registered');
    const unknown = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: { 'x-api-key': key.key },
      payload: { eventId: newId('evt'), userId: ben },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses missing, unknown, revoked and out-of-scope keys, and bad bodies', async () => {
    const { organization, key } = await organizationWithKey(['registrations:write']);
    const event = events.add(newId('usr'));
    const body = { eventId: event.id, userId: newId('usr') };
    const send = (headers: Record<string, string>, payload: object = body, url = '/inbound/registrations') =>
      h.app.inject({ method: 'POST', url: `${BASE}${url}`, headers, payload });
    expect((await send({})).statusCode).toBe(401);
    expect((await send({ 'x-api-key': 'dik_nope' })).statusCode).toBe(401);
    expect((await send(bearer(regular))).statusCode).toBe(401);
    expect((await send(withKey(key.key), { eventId: 'nope', userId: 'x' })).statusCode).toBe(400);
    const scoped = await send(withKey(key.key), { organizerId: newId('usr') }, '/inbound/events');
    expect(scoped.statusCode).toBe(400);
    const draft = {
      organizerId: newId('usr'),
      title: 'Gala',
      description: '',
      domain: 'associations',
      type: 'free',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      timezone: 'Europe/Paris',
      online: { url: 'https://meet.example/gala' },
      capacity: 30,
      languages: ['fr'],
    };
    expect((await send(withKey(key.key), draft, '/inbound/events')).statusCode).toBe(403);
    const revoked = await h.app.inject({
      method: 'DELETE',
      url: `${BASE}/organizations/${organization.id}/keys/${key.id}`,
      headers: bearer(superUser),
    });
    expect(revoked.statusCode).toBe(204);
    expect((await send(withKey(key.key))).statusCode).toBe(401);
  });

  it('imports events as drafts for the organizer it names (their rights decide)', async () => {
    const { key } = await organizationWithKey(['events:import']);
    const organizerId = newId('usr');
    const draft = {
      organizerId,
      title: 'Gala',
      description: 'Imported',
      domain: 'associations',
      type: 'free',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
      timezone: 'Europe/Paris',
      online: { url: 'https://meet.example/gala' },
      capacity: 30,
      languages: ['fr'],
    };
    const answer = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/events`,
      headers: withKey(key.key),
      payload: draft,
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toMatchObject({ status: 'draft', organizerId, title: 'Gala', capacity: 30 });
    expect(events.calls.at(-1)?.request).toMatchObject({ onlineUrl: 'https://meet.example/gala', organizerId });
    const national = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/events`,
      headers: withKey(key.key),
      payload: { ...draft, type: 'national' },
    });
    expect(national.statusCode).toBe(403);
  });

  it('rate-limits each key', async () => {
    const { key } = await organizationWithKey(['registrations:write']);
    const { key: other } = await organizationWithKey(['registrations:write']);
    const event = events.add(newId('usr'), { capacity: 100 });
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (
          await h.app.inject({
            method: 'POST',
            url: `${BASE}/inbound/registrations`,
            headers: { 'x-api-key': key.key },
            payload: { eventId: event.id, userId: newId('usr') },
          })
        ).statusCode,
      );
    // Within one minute window (a boundary may split them: at least the last ones are refused).
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    const limited = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: { 'x-api-key': key.key },
      payload: { eventId: event.id, userId: newId('usr') },
    });
    if (limited.statusCode === 429) expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another organization's key is not affected.
    const fresh = await h.app.inject({
      method: 'POST',
      url: `${BASE}/inbound/registrations`,
      headers: { 'x-api-key': other.key },
      payload: { eventId: event.id, userId: newId('usr') },
    });
    expect(fresh.statusCode).toBe(201);
  });
});
