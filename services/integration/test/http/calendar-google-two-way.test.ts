import { RegistrationCreated } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEventService } from '../event-fake.js';
import { bearer, type Member, member, publish, startIntegration } from '../fixtures.js';
import { startFakeGoogle } from '../google-fake.js';

const BASE = '/api/v1/integrations/calendar';
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('Google Calendar two-way sync for premium organizers (sync tokens, against local fakes)', () => {
  const olu = member({}, { tier: 'premium' });
  olu.user.tier = 'premium';
  let google: Awaited<ReturnType<typeof startFakeGoogle>>;
  let events: Awaited<ReturnType<typeof startFakeEventService>>;
  let ctx: Awaited<ReturnType<typeof startIntegration>>;
  beforeAll(async () => {
    google = await startFakeGoogle();
    events = await startFakeEventService();
    ctx = await startIntegration([olu], {
      GOOGLE_CALENDAR_PROVIDER: 'google',
      GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'client-secret',
      GOOGLE_OAUTH_BASE_URL: google.oauthBaseUrl,
      GOOGLE_API_ROOT_URL: google.apiRootUrl,
      PUBLIC_BASE_URL: 'https://api.diaspora.test',
      EVENT_GRPC_ADDR: events.address,
      GOOGLE_SYNC_INTERVAL_MS: '1000',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await google?.close();
    await events?.stop();
  });

  async function connect(who: Member) {
    const started = await ctx.app.inject({ url: `${BASE}/google/connect`, headers: bearer(who) });
    const { code, state } = google.consent(started.headers.location as string);
    const done = await ctx.app.inject({
      url: `${BASE}/google/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
    });
    expect(done.statusCode, done.body).toBe(200);
  }

  async function pushed(eventId: string, who: Member) {
    await publish(
      ctx.service,
      RegistrationCreated,
      {
        registrationId: newId('reg'),
        userId: who.id,
        status: 'confirmed',
        eventId,
        eventTitle: 'x',
        eventType: 'free',
        domain: 'ict',
        startsAt: inHours(24),
        timezone: 'Europe/Paris',
        organizerId: who.id,
        at: new Date().toISOString(),
      },
      'event',
    );
    return until(() => google.diasporaEvents().find((e) => JSON.stringify(e).includes(eventId)), {
      what: 'the event in Google',
      timeoutMs: 15_000,
    });
  }

  it('edits and cancellations made in Google flow back as the organizer; stale or refused ones do not', async () => {
    await connect(olu);
    const mine = events.add(olu.id, { title: 'Tech meetup' });
    const copy = await pushed(mine.id, olu);
    expect(copy.summary).toBe('Tech meetup');

    // Moved and renamed in Google: applied through UpdateEventAsOrganizer with the organizer as actor.
    const [startsAt, endsAt] = [inHours(48), inHours(50)];
    google.edit(copy.id, {
      summary: 'Tech meetup (moved)',
      start: { dateTime: startsAt, timeZone: 'Europe/Paris' },
      end: { dateTime: endsAt, timeZone: 'Europe/Paris' },
    });
    await until(() => events.events.get(mine.id)?.title === 'Tech meetup (moved)', {
      what: 'the Google edit applied',
      timeoutMs: 15_000,
    });
    expect(events.calls.find((c) => c.method === 'update')?.request).toMatchObject({
      eventId: mine.id,
      actorId: olu.id,
      title: 'Tech meetup (moved)',
      startsAt,
      endsAt,
    });
    // After the first full listing, pulls are incremental.
    await until(() => google.listed.some((token) => token.startsWith('sync-')), { what: 'an incremental pull' });

    // Someone else's event in the member's calendar: never written back.
    const theirs = events.add(newId('usr'), { title: 'Not mine' });
    const theirCopy = await pushed(theirs.id, olu);
    google.edit(theirCopy.id, { summary: 'Hijacked' });
    // Stale: a Google copy older than the platform's last change loses.
    const stale = events.add(olu.id, { title: 'Gala', updatedAt: new Date().toISOString() });
    const staleCopy = await pushed(stale.id, olu);
    google.edit(staleCopy.id, { summary: 'Old gala' }, new Date(Date.now() - 86_400_000).toISOString());
    // Refused by the platform (a start in the past): the platform's version goes back to Google.
    const refused = events.add(olu.id, { title: 'Picnic' });
    const refusedCopy = await pushed(refused.id, olu);
    google.edit(refusedCopy.id, { start: { dateTime: inHours(-3) }, end: { dateTime: inHours(-1) } });
    await until(
      () => {
        const copyNow = google.diasporaEvents().find((e) => e.id === refusedCopy.id) as
          | { start?: { dateTime?: string } }
          | undefined;
        return copyNow?.start?.dateTime === refused.startsAt;
      },
      { what: 'the platform version pushed back', timeoutMs: 15_000 },
    );

    // Canceled in Google: CancelEventAsOrganizer.
    google.edit(copy.id, { status: 'cancelled' });
    await until(() => events.events.get(mine.id)?.status === 'canceled', {
      what: 'the cancellation applied',
      timeoutMs: 15_000,
    });
    expect(events.events.get(theirs.id)?.title).toBe('Not mine');
    expect(events.events.get(stale.id)?.title).toBe('Gala');
  });
});
