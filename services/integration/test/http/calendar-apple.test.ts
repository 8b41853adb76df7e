import { EventUpdated, RegistrationCanceled, RegistrationCreated } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { DAVClient } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startIntegration } from '../fixtures.js';

const serverUrl = process.env.RADICALE_URL;
const password = process.env.RADICALE_PASSWORD ?? '';
const URL_BASE = '/api/v1/integrations/calendar';

async function calendarObjects(username: string) {
  const client = new DAVClient({
    serverUrl: serverUrl!,
    credentials: { username, password },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
  });
  await client.login();
  const calendar = (await client.fetchCalendars()).find((c) => c.displayName === 'Diaspora');
  return calendar ? client.fetchCalendarObjects({ calendar }) : [];
}

const registration = (userId: string, eventId: string) => ({
  registrationId: newId('reg'),
  userId,
  status: 'confirmed' as const,
  eventId,
  eventTitle: 'Forum des entrepreneurs',
  eventType: 'free' as const,
  domain: 'business',
  startsAt: '2027-03-05T17:00:00.000Z',
  timezone: 'Europe/Paris',
  organizerId: 'usr_org',
  country: 'FR',
  city: 'Paris',
  at: new Date().toISOString(),
});

describe('calendar connections (API)', () => {
  const someone = member();
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    ctx = await startIntegration([someone]);
  });
  afterAll(async () => ctx?.close());

  it('refuses a CalDAV server on a metadata address, and lists no connections at first', async () => {
    const response = await ctx.app.inject({
      method: 'PUT',
      url: `${URL_BASE}/apple`,
      headers: bearer(someone),
      payload: { username: 'me', appPassword: 'x', serverUrl: 'http://169.254.169.254/' },
    });
    expect(response.statusCode).toBe(400);
    const unreachable = await ctx.app.inject({
      method: 'PUT',
      url: `${URL_BASE}/apple`,
      headers: bearer(someone),
      payload: { username: 'me', appPassword: 'x', serverUrl: 'http://127.0.0.1:9/' },
    });
    expect(unreachable.statusCode).toBe(400);
    expect(unreachable.json().type).toContain('calendar-unreachable');
    const list = await ctx.app.inject({ url: URL_BASE, headers: bearer(someone) });
    expect(list.json()).toEqual({ connections: [] });
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `${URL_BASE}/apple`, headers: bearer(someone) })).statusCode,
    ).toBe(404);
    expect((await ctx.app.inject({ url: URL_BASE })).statusCode).toBe(401);
  });
});

describe.skipIf(!serverUrl)('Apple Calendar over CalDAV against Radicale (skipped unless RADICALE_URL is set)', () => {
  const awa = member();
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    ctx = await startIntegration([awa]);
  });
  afterAll(async () => ctx?.close());

  it('refuses a wrong app-specific password with 400', async () => {
    const response = await ctx.app.inject({
      method: 'PUT',
      url: `${URL_BASE}/apple`,
      headers: bearer(awa),
      payload: { username: 'member1', appPassword: 'wrong-password', serverUrl },
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().type).toContain('calendar-auth-failed');
  });

  it('pushes a confirmed registration into the calendar, rewrites it when the event changes, removes it on cancel', async () => {
    const connected = await ctx.app.inject({
      method: 'PUT',
      url: `${URL_BASE}/apple`,
      headers: bearer(awa),
      payload: { username: 'member1', appPassword: password, serverUrl },
    });
    expect(connected.statusCode, connected.body).toBe(200);
    expect(connected.json()).toMatchObject({ provider: 'apple', status: 'active', account: 'member1' });
    // The app password is stored sealed, never as given.
    const { rows } = await ctx.service.context.db.query('SELECT credentials::text AS c FROM calendar_connections');
    expect(rows[0]!.c).not.toContain(password);

    const eventId = newId('evt');
    await publish(ctx.service, RegistrationCreated, registration(awa.id, eventId), 'event');
    const object = await until(
      async () => (await calendarObjects('member1')).find((o) => o.url.endsWith(`${eventId}.ics`)),
      {
        what: 'the event in the Radicale calendar',
        timeoutMs: 8000,
      },
    );
    expect(object.data).toContain('SUMMARY:Forum des entrepreneurs');
    expect(object.data).toContain('DTSTART:20270305T170000Z');

    await publish(
      ctx.service,
      EventUpdated,
      {
        eventId,
        title: 'Forum des entrepreneurs (nouvelle salle)',
        domain: 'business',
        type: 'free',
        status: 'published',
        startsAt: '2027-03-05T18:00:00.000Z',
        endsAt: '2027-03-05T21:00:00.000Z',
        timezone: 'Europe/Paris',
        country: 'FR',
        city: 'Paris',
        online: false,
        languages: ['fr'],
        organizerId: 'usr_org',
        capacity: 100,
        registeredCount: 10,
        changed: ['title', 'startsAt'],
      },
      'event',
    );
    await until(async () =>
      (await calendarObjects('member1')).find(
        (o) => o.url.endsWith(`${eventId}.ics`) && o.data.includes('DTSTART:20270305T180000Z'),
      ),
    );

    await publish(
      ctx.service,
      RegistrationCanceled,
      { ...registration(awa.id, eventId), previousStatus: 'confirmed', reason: 'member' },
      'event',
    );
    await until(async () => !(await calendarObjects('member1')).some((o) => o.url.endsWith(`${eventId}.ics`)), {
      what: 'the event removed from the calendar',
    });

    const list = await ctx.app.inject({ url: URL_BASE, headers: bearer(awa) });
    expect(list.json().connections).toEqual([expect.objectContaining({ provider: 'apple', status: 'active' })]);
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `${URL_BASE}/apple`, headers: bearer(awa) })).statusCode,
    ).toBe(204);
    expect((await ctx.app.inject({ url: URL_BASE, headers: bearer(awa) })).json()).toEqual({ connections: [] });
  });
});
