import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ambassador,
  consul,
  createEvent,
  eventBody,
  type Harness,
  inHours,
  member,
  paris,
  register,
  startEventService,
  superUser,
} from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startEventService();
});
afterAll(async () => h?.close());

const post = (who: { headers: Record<string, string> }, body: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url: '/api/v1/events', headers: who.headers, payload: body });

describe('creating events', () => {
  it('lets any member create a free event and publishes its snapshot through the outbox', async () => {
    const published = await collectPublished(h.service, 'events.event.published');
    const organizer = member();
    const event = await createEvent(h.app, organizer, { title: 'Free meetup' });
    expect(event).toMatchObject({
      type: 'free',
      status: 'published',
      organizerId: organizer.id,
      capacity: 50,
      registeredCount: 0,
      waitlistCount: 0,
      venue: paris,
      country: 'FR',
      city: 'Paris',
      languages: ['fr', 'en'],
    });
    const envelope = await until(() => published.find((e) => (e.data as { eventId: string }).eventId === event.id), {
      timeoutMs: 10_000,
    });
    expect(envelope.data).toMatchObject({ title: 'Free meetup', online: false, lat: paris.lat, country: 'FR' });
  });

  it('national events: only an ambassador, only in their country', async () => {
    expect((await post(member(), eventBody({ type: 'national' }))).statusCode).toBe(403);
    const ofSenegal = ambassador('SN');
    const elsewhere = await post(ofSenegal, eventBody({ type: 'national' }));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().detail).toMatch(/own country/);
    expect((await post(ambassador('FR'), eventBody({ type: 'national' }))).statusCode).toBe(201);
    // Online national events take the ambassador's country.
    const online = await post(
      ambassador('FR'),
      eventBody({ type: 'national', venue: undefined, online: { url: 'https://meet.example/x' } }),
    );
    expect(online.statusCode).toBe(201);
    expect(online.json()).toMatchObject({ country: 'FR', online: { url: 'https://meet.example/x' } });
  });

  it('local events: only a consul, only in their city (case-insensitive)', async () => {
    expect((await post(member(), eventBody({ type: 'local' }))).statusCode).toBe(403);
    expect((await post(ambassador('FR'), eventBody({ type: 'local' }))).statusCode).toBe(403);
    expect((await post(consul('FR', 'Lyon'), eventBody({ type: 'local' }))).statusCode).toBe(403);
    expect((await post(consul('FR', 'paris'), eventBody({ type: 'local' }))).statusCode).toBe(201);
  });

  it('premium events require a price; other types refuse one', async () => {
    const noPrice = await post(member(), eventBody({ type: 'premium' }));
    expect(noPrice.statusCode).toBe(400);
    expect(noPrice.json().errors.map((e: { field: string }) => e.field)).toEqual(['priceCents', 'currency']);
    const priced = await post(member(), eventBody({ type: 'premium', priceCents: 2500, currency: 'eur' }));
    expect(priced.statusCode).toBe(201);
    expect(priced.json()).toMatchObject({ priceCents: 2500, currency: 'EUR' });
    expect((await post(member(), eventBody({ priceCents: 100, currency: 'EUR' }))).statusCode).toBe(400);
  });

  it('rejects bad input with field errors and writes nothing', async () => {
    const organizer = member();
    const cases: [Record<string, unknown>, string][] = [
      [{ startsAt: inHours(10), endsAt: inHours(9) }, 'endsAt'],
      [{ domain: 'astrology' }, 'domain'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ venue: { ...paris, country: 'XX' } }, 'venue.country'],
      [{ startsAt: inHours(-5), endsAt: inHours(-4) }, 'startsAt'],
      [{ capacity: 0 }, 'capacity'],
      [{ venue: undefined }, 'venue'],
      [{ languages: ['zz'] }, 'languages[0]'],
      [{ recurrence: 'FREQ=HOURLY;COUNT=3' }, 'recurrence'],
      [{ recurrence: 'FREQ=SOMETIMES' }, 'recurrence'],
    ];
    for (const [overrides, field] of cases) {
      const response = await post(organizer, eventBody(overrides));
      expect(response.statusCode, JSON.stringify(overrides)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const { rows } = await h.service.context.db.query('SELECT count(*)::int AS n FROM events WHERE organizer_id = $1', [
      organizer.id,
    ]);
    expect(rows[0]!.n).toBe(0);
  });

  it('links local sub-events to a national event of the same country', async () => {
    const national = await createEvent(h.app, ambassador('FR'), { type: 'national', title: 'National forum' });
    const sub = await createEvent(h.app, consul('FR', 'Paris'), { type: 'local', parentEventId: national.id });
    expect(sub.parentEventId).toBe(national.id);
    const parent = await h.app.inject({ url: `/api/v1/events/${national.id}`, headers: member().headers });
    expect(parent.json().subEventIds).toEqual([sub.id]);

    const free = await createEvent(h.app, member());
    const notNational = await post(consul('FR', 'Paris'), eventBody({ type: 'local', parentEventId: free.id }));
    expect(notNational.statusCode).toBe(400);
    const freeChild = await post(member(), eventBody({ parentEventId: national.id }));
    expect(freeChild.json().errors[0].field).toBe('parentEventId');
  });
});

describe('editing and canceling', () => {
  it('organizer, ambassador of the country and super may edit; others may not', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer);
    const patch = (who: { headers: Record<string, string> }, payload: Record<string, unknown>) =>
      h.app.inject({ method: 'PATCH', url: `/api/v1/events/${event.id}`, headers: who.headers, payload });
    expect((await patch(member(), { title: 'Hijacked' })).statusCode).toBe(403);
    expect((await patch(ambassador('SN'), { title: 'Hijacked' })).statusCode).toBe(403);
    expect((await patch(organizer, { title: 'Renamed' })).json().title).toBe('Renamed');
    expect((await patch(ambassador('FR'), { capacity: 80 })).json().capacity).toBe(80);
    expect((await patch(superUser(), { description: 'By super' })).statusCode).toBe(200);
    const bad = await patch(organizer, { endsAt: inHours(1) });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a capacity below the seats already taken', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 5 });
    for (let i = 0; i < 3; i++) await register(h.app, event.id, member());
    const response = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${event.id}`,
      headers: organizer.headers,
      payload: { capacity: 2 },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().type).toMatch(/capacity-below-registrations$/);
  });

  it('keeps drafts to their managers until published', async () => {
    const organizer = member();
    const draft = await createEvent(h.app, organizer, { status: 'draft' });
    expect((await h.app.inject({ url: `/api/v1/events/${draft.id}`, headers: member().headers })).statusCode).toBe(404);
    expect((await register(h.app, draft.id, member())).statusCode).toBe(404);
    const published = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${draft.id}`,
      headers: organizer.headers,
      payload: { status: 'published' },
    });
    expect(published.json().status).toBe('published');
    expect((await h.app.inject({ url: `/api/v1/events/${draft.id}`, headers: member().headers })).statusCode).toBe(200);
  });

  it('cancels: registrants are told, the event is marked, registering is refused', async () => {
    const canceledRegistrations = await collectPublished(h.service, 'events.registration.canceled');
    const canceledEvents = await collectPublished(h.service, 'events.event.canceled');
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 1 });
    const [a, b] = [member(), member()];
    await register(h.app, event.id, a);
    await register(h.app, event.id, b); // waitlisted
    expect(
      (await h.app.inject({ method: 'DELETE', url: `/api/v1/events/${event.id}`, headers: member().headers }))
        .statusCode,
    ).toBe(403);
    const response = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/events/${event.id}`,
      headers: organizer.headers,
      payload: { reason: 'Venue flooded' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'canceled', cancelReason: 'Venue flooded' });
    await until(() => canceledEvents.some((e) => (e.data as { eventId: string }).eventId === event.id), {
      timeoutMs: 10_000,
    });
    const told = await until(
      () => {
        const mine = canceledRegistrations.filter((e) => (e.data as { eventId: string }).eventId === event.id);
        return mine.length === 2 ? mine : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(told.map((e) => (e.data as { userId: string; reason: string }).reason)).toEqual([
      'event_canceled',
      'event_canceled',
    ]);
    const again = await register(h.app, event.id, member());
    expect(again.statusCode).toBe(409);
    expect(again.json().type).toMatch(/event-canceled$/);
  });
});

describe('recurring events', () => {
  it('materializes occurrences with their own capacity; edits one or the rest of the series', async () => {
    const organizer = member();
    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setUTCHours(17, 0, 0, 0);
    const created = await createEvent(h.app, organizer, {
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      recurrence: 'RRULE:FREQ=WEEKLY;COUNT=4',
      capacity: 1,
    });
    const occurrences = created.occurrences as { id: string; startsAt: string }[];
    expect(occurrences).toHaveLength(4);
    expect(created.recurrence).toBe('FREQ=WEEKLY;COUNT=4');
    const [first, second, third] = occurrences as [
      (typeof occurrences)[0],
      (typeof occurrences)[0],
      (typeof occurrences)[0],
    ];
    // Separate seats: a full first occurrence does not fill the second.
    expect((await register(h.app, first.id, member())).json().status).toBe('confirmed');
    expect((await register(h.app, first.id, member())).json().status).toBe('waitlisted');
    expect((await register(h.app, second.id, member())).json().status).toBe('confirmed');

    const one = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${third.id}?scope=occurrence`,
      headers: organizer.headers,
      payload: { title: 'Special edition' },
    });
    expect(one.json().title).toBe('Special edition');
    const series = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${second.id}?scope=series`,
      headers: organizer.headers,
      payload: { title: 'Weekly meetup', capacity: 10 },
    });
    expect(series.json().updatedOccurrences).toBe(3);
    const titles = await Promise.all(
      occurrences.map(
        async (o) => (await h.app.inject({ url: `/api/v1/events/${o.id}`, headers: organizer.headers })).json().title,
      ),
    );
    expect(titles).toEqual(['Diaspora tech meetup', 'Weekly meetup', 'Weekly meetup', 'Weekly meetup']);
    const timed = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${second.id}?scope=series`,
      headers: organizer.headers,
      payload: { startsAt: inHours(100) },
    });
    expect(timed.statusCode).toBe(400);
  });
});
