import { CalendarConnectionBroken, EventCanceled, RegistrationCreated } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, member, publish, startIntegration } from '../fixtures.js';
import { startFakeGoogle } from '../google-fake.js';

const BASE = '/api/v1/integrations/calendar';
// A push that failed on a saturated machine is redelivered by the bus after 1, 5 and 30 s: the waits cover that
// schedule (they assert that the push happens, not how fast).
const RETRIES_MS = 40_000;

const registration = (userId: string, eventId: string) => ({
  registrationId: newId('reg'),
  userId,
  status: 'confirmed' as const,
  eventId,
  eventTitle: 'Diaspora Tech Summit',
  eventType: 'free' as const,
  domain: 'ict',
  startsAt: '2027-06-01T08:00:00.000Z',
  timezone: 'Europe/Paris',
  organizerId: 'usr_org',
  at: new Date().toISOString(),
});

const snapshot = (eventId: string) => ({
  eventId,
  title: 'Diaspora Tech Summit',
  domain: 'ict',
  type: 'free' as const,
  status: 'canceled' as const,
  startsAt: '2027-06-01T08:00:00.000Z',
  endsAt: '2027-06-01T17:00:00.000Z',
  timezone: 'Europe/Paris',
  online: true,
  languages: ['en'],
  organizerId: 'usr_org',
  capacity: 10,
  registeredCount: 1,
});

describe('Google Calendar through googleapis, against a local fake of OAuth and Calendar v3', () => {
  const awa = member();
  let google: Awaited<ReturnType<typeof startFakeGoogle>>;
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    google = await startFakeGoogle();
    ctx = await startIntegration([awa], {
      GOOGLE_CALENDAR_PROVIDER: 'google',
      GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'client-secret',
      GOOGLE_OAUTH_BASE_URL: google.oauthBaseUrl,
      GOOGLE_API_ROOT_URL: google.apiRootUrl,
      PUBLIC_BASE_URL: 'https://api.diaspora.test',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await google?.close();
  });

  const connect = async () => {
    const started = await ctx.app.inject({ url: `${BASE}/google/connect`, headers: bearer(awa) });
    expect(started.statusCode, started.body).toBe(302);
    return google.consent(started.headers.location as string);
  };

  it('connects with offline access, PKCE and a single-use state, and pushes, rewrites and survives a revocation', async () => {
    const { code, state, params } = await connect();
    expect(params.get('access_type')).toBe('offline');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe('https://api.diaspora.test/api/v1/integrations/calendar/google/callback');
    expect(params.get('scope')).toContain('calendar');

    const forged = await ctx.app.inject({ url: `${BASE}/google/callback?code=${code}&state=forged` });
    expect(forged.statusCode).toBe(400);
    const callback = `${BASE}/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`;
    const done = await ctx.app.inject({ url: callback });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ provider: 'google', status: 'active', account: 'awa@gmail.example' });
    expect((await ctx.app.inject({ url: callback })).statusCode).toBe(400); // single use

    const eventId = newId('evt');
    await publish(ctx.service, RegistrationCreated, registration(awa.id, eventId), 'event');
    const pushed = await until(() => google.diasporaEvents().find((e) => JSON.stringify(e).includes(eventId)), {
      what: 'the event in the Google Diaspora calendar',
      timeoutMs: RETRIES_MS,
    });
    expect(pushed).toMatchObject({
      summary: 'Diaspora Tech Summit',
      start: { dateTime: '2027-06-01T08:00:00.000Z', timeZone: 'Europe/Paris' },
      extendedProperties: { private: { diasporaEventId: eventId } },
    });

    await publish(ctx.service, EventCanceled, snapshot(eventId), 'event');
    await until(() => google.diasporaEvents().find((e) => e.summary === 'Canceled: Diaspora Tech Summit'), {
      timeoutMs: RETRIES_MS,
    });
    expect(google.diasporaEvents()).toHaveLength(1);

    // The member revokes access in their Google account: the next push gets invalid_grant.
    const broken = await collectPublished(ctx.service, CalendarConnectionBroken.subject);
    google.revokeAll();
    await publish(ctx.service, RegistrationCreated, registration(awa.id, newId('evt')), 'event');
    await until(() => broken.length > 0, { what: 'integration.calendar.broken', timeoutMs: RETRIES_MS });
    expect(broken[0]!.data).toMatchObject({ userId: awa.id, provider: 'google' });
    const list = await ctx.app.inject({ url: BASE, headers: bearer(awa) });
    expect(list.json().connections).toEqual([expect.objectContaining({ provider: 'google', status: 'broken' })]);
  }, 150_000);

  it('disconnecting revokes the grant at Google and deletes the tokens', async () => {
    const { code, state } = await connect();
    expect(
      (await ctx.app.inject({ url: `${BASE}/google/callback?code=${encodeURIComponent(code)}&state=${state}` }))
        .statusCode,
    ).toBe(200);
    const before = google.revoked.length;
    expect((await ctx.app.inject({ method: 'DELETE', url: `${BASE}/google`, headers: bearer(awa) })).statusCode).toBe(
      204,
    );
    expect(google.revoked.length).toBe(before + 1);
    expect(google.revoked.at(-1)).toMatch(/^1\/\//);
    expect((await ctx.app.inject({ url: BASE, headers: bearer(awa) })).json()).toEqual({ connections: [] });
  });

  it('a refused consent or a bad code is a 400', async () => {
    const first = await connect();
    const denied = await ctx.app.inject({ url: `${BASE}/google/callback?error=access_denied&state=${first.state}` });
    expect(denied.statusCode).toBe(400);
    const second = await connect();
    const badCode = await ctx.app.inject({ url: `${BASE}/google/callback?code=not-issued&state=${second.state}` });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().type).toContain('calendar-auth-failed');
  });
});

describe('Google Calendar, local provider (no Google credentials)', () => {
  const kofi = member();
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    ctx = await startIntegration([kofi]);
  });
  afterAll(async () => ctx?.close());

  it('the consent screen is simulated: connect redirects straight to the callback, which connects', async () => {
    const started = await ctx.app.inject({ url: `${BASE}/google/connect`, headers: bearer(kofi) });
    expect(started.statusCode).toBe(302);
    const location = new URL(started.headers.location as string);
    expect(location.pathname).toBe(`${BASE}/google/callback`);
    const done = await ctx.app.inject({ url: `${location.pathname}${location.search}` });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ provider: 'google', status: 'active' });
  });
});
