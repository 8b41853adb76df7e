import { UserDeleted } from '@diaspora/events';
import { createUnitOfWork } from '@diaspora/service-kit';
import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReminder } from '../../src/jobs/reminders.js';
import { eventStores } from '../../src/store/stores.js';
import { createEvent, deliver, endEvent, type Harness, member, register, startEventService } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  // Reminders 2 minutes before: an event starting in 2 min 2 s is reminded in about 2 s.
  h = await startEventService({ env: { REMINDER_OFFSETS_MINUTES: '2,1440' } });
});
afterAll(async () => h?.close());

describe('reminders (pg-boss on the service database)', () => {
  it('are planned with the event and announced to confirmed registrants when due', async () => {
    const due = await collectPublished(h.service, 'events.reminder.due');
    const start = new Date(Date.now() + 122_000);
    const event = await createEvent(h.app, member(), {
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
      capacity: 1,
    });
    const guest = member();
    await register(h.app, event.id, guest);
    await register(h.app, event.id, member()); // waitlisted: not reminded
    const { rows } = await h.service.context.db.query(
      `SELECT data->>'minutesBefore' AS minutes FROM event_jobs.job WHERE name = 'event-reminder' AND data->>'eventId' = $1`,
      [event.id],
    );
    expect(rows.map((row) => row.minutes)).toEqual(['2']); // the 24 h reminder is already past
    const reminder = await until(() => due.find((e) => (e.data as { eventId: string }).eventId === event.id), {
      timeoutMs: 20_000,
    });
    expect(reminder.data).toMatchObject({
      minutesBefore: 2,
      userIds: [guest.id],
      part: 1,
      eventTitle: 'Diaspora tech meetup',
    });
  }, 30_000);

  it('a stale job (event moved) or a repeated job reminds nobody', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer, {
      startsAt: new Date(Date.now() + 86_400_000 * 3).toISOString(),
      endsAt: new Date(Date.now() + 86_400_000 * 3 + 3_600_000).toISOString(),
    });
    await register(h.app, event.id, member());
    const { db, outbox } = h.service.context;
    const uow = createUnitOfWork(db, outbox, eventStores);
    const job = { eventId: event.id, startsAt: event.startsAt as string, minutesBefore: 1440 };
    expect(await sendReminder(uow, job)).toBe(1);
    expect(await sendReminder(uow, job)).toBe(0);
    expect(await sendReminder(uow, { ...job, startsAt: new Date().toISOString() })).toBe(0);
  });
});

describe('erasure on users.user.deleted', () => {
  it('cancels live registrations (promoting the waitlist), deletes them, anonymizes ratings and organized events', async () => {
    const leaver = member();
    const organizer = member();
    const full = await createEvent(h.app, organizer, { capacity: 1 });
    await register(h.app, full.id, leaver);
    const next = member();
    await register(h.app, full.id, next);
    const past = await createEvent(h.app, organizer);
    await register(h.app, past.id, leaver);
    await endEvent(h.service, past.id);
    const rated = await h.app.inject({
      method: 'POST',
      url: `/api/v1/events/${past.id}/ratings`,
      headers: leaver.headers,
      payload: { eventQuality: 4, participantQuality: 4, exchangeQuality: 4, venueQuality: 4, organizerPerformance: 4 },
    });
    expect(rated.statusCode).toBe(201);
    const ownFuture = await createEvent(h.app, leaver);
    const ownPast = await createEvent(h.app, leaver);
    await endEvent(h.service, ownPast.id);
    await h.app.inject({ method: 'POST', url: '/api/v1/events/calendar/feed', headers: leaver.headers });

    const envelope = await deliver(h.service, UserDeleted, { userId: leaver.id, deletedAt: new Date().toISOString() });
    const db = h.service.context.db;
    await until(
      async () =>
        (await db.query('SELECT 1 FROM processed_events WHERE event_id = $1', [envelope.id])).rows.length === 1,
      { timeoutMs: 10_000 },
    );

    expect((await db.query('SELECT 1 FROM registrations WHERE user_id = $1', [leaver.id])).rows).toHaveLength(0);
    expect((await db.query('SELECT 1 FROM calendar_feeds WHERE user_id = $1', [leaver.id])).rows).toHaveLength(0);
    expect((await db.query('SELECT 1 FROM ratings WHERE user_id = $1', [leaver.id])).rows).toHaveLength(0);
    const summary = await h.app.inject({ url: `/api/v1/events/${past.id}/ratings/summary`, headers: member().headers });
    expect(summary.json().ratings).toBe(1);
    const promoted = await h.app.inject({ url: `/api/v1/events/${full.id}/registrations/me`, headers: next.headers });
    expect(promoted.json().status).toBe('confirmed');
    const own = await h.app.inject({ url: `/api/v1/events/${ownFuture.id}`, headers: member().headers });
    expect(own.json()).toMatchObject({ status: 'canceled', organizerId: 'usr_erased' });
    const history = await h.app.inject({ url: `/api/v1/events/${ownPast.id}`, headers: member().headers });
    expect(history.json()).toMatchObject({ status: 'published', organizerId: 'usr_erased' });
    expect((await db.query('SELECT 1 FROM events WHERE organizer_id = $1', [leaver.id])).rows).toHaveLength(0);
  });
});
