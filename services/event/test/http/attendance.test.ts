import { RoleAppointed } from '@diaspora/events';
import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ambassador,
  consul,
  createEvent,
  deliver,
  endEvent,
  type Harness,
  member,
  register,
  startEventService,
  superUser,
} from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startEventService({ env: { SCORECARD_FLAG_DATE: '01-01' } });
});
afterAll(async () => h?.close());

const checkIn = (eventId: string, who: { headers: Record<string, string> }, code: string) =>
  h.app.inject({ method: 'POST', url: `/api/v1/events/${eventId}/check-in`, headers: who.headers, payload: { code } });

const scores = { eventQuality: 5, participantQuality: 4, exchangeQuality: 4, venueQuality: 3, organizerPerformance: 5 };
const rate = (eventId: string, who: { headers: Record<string, string> }, body: Record<string, unknown> = scores) =>
  h.app.inject({ method: 'POST', url: `/api/v1/events/${eventId}/ratings`, headers: who.headers, payload: body });

describe('check-in', () => {
  it('checks a registration in once; the second scan says who and when', async () => {
    const recorded = await collectPublished(h.service, 'events.checkin.recorded');
    const organizer = member();
    const event = await createEvent(h.app, organizer);
    const guest = member();
    const registration = (await register(h.app, event.id, guest)).json();
    expect((await checkIn(event.id, member(), registration.checkInCode)).statusCode).toBe(403);
    // Typed by hand: lower case with a dash is the same code.
    const typed = `${registration.checkInCode.slice(0, 4)}-${registration.checkInCode.slice(4)}`.toLowerCase();
    const first = await checkIn(event.id, organizer, typed);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ registrationId: registration.id, userId: guest.id });
    const second = await checkIn(event.id, organizer, registration.qrPayload);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      type: expect.stringMatching(/already-checked-in$/),
      registrationId: registration.id,
      userId: guest.id,
      checkedInBy: organizer.id,
      checkedInAt: first.json().checkedInAt,
    });
    await until(() => recorded.find((e) => (e.data as { registrationId: string }).registrationId === registration.id), {
      timeoutMs: 10_000,
    });
  });

  it('rejects a code of another event, an unknown code and a waitlisted registration', async () => {
    const organizer = member();
    const [mine, other] = [await createEvent(h.app, organizer, { capacity: 1 }), await createEvent(h.app, member())];
    const foreign = (await register(h.app, other.id, member())).json();
    const wrongEvent = await checkIn(mine.id, organizer, foreign.checkInCode);
    expect(wrongEvent.statusCode).toBe(422);
    expect(wrongEvent.json().type).toMatch(/code-of-another-event$/);
    expect((await checkIn(mine.id, organizer, foreign.qrPayload)).statusCode).toBe(422);
    expect((await checkIn(mine.id, organizer, 'ZZZZZZZZ')).statusCode).toBe(404);
    await register(h.app, mine.id, member());
    await register(h.app, mine.id, member()); // waitlisted: no code at all
    const { rows } = await h.service.context.db.query(
      `SELECT count(*)::int AS n FROM registrations WHERE event_id = $1 AND status = 'waitlisted' AND check_in_code IS NULL`,
      [mine.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('bulk check-in reports one outcome per code and is safe to retry', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push((await register(h.app, event.id, member())).json().checkInCode);
    await checkIn(event.id, organizer, codes[0]!);
    const scannedAt = new Date(Date.now() - 60_000).toISOString();
    const send = () =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/events/${event.id}/check-ins`,
        headers: { ...organizer.headers, 'idempotency-key': 'door-2-batch-1' },
        payload: {
          items: [{ code: codes[0] }, { code: codes[1], scannedAt }, { code: codes[2] }, { code: 'NOPE0000' }],
        },
      });
    const first = await send();
    expect(first.statusCode).toBe(200);
    expect(first.json().results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'already_checked_in',
      'checked_in',
      'checked_in',
      'unknown_code',
    ]);
    expect(first.json().results[1].checkedInAt).toBe(scannedAt);
    expect(first.json().counts).toMatchObject({ checked_in: 2, already_checked_in: 1, unknown_code: 1 });
    const retry = await send();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });
});

describe('ratings', () => {
  it('opens after the end, to attendees only, once; the summary averages them', async () => {
    const submitted = await collectPublished(h.service, 'events.rating.submitted');
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 2 });
    const [came, noShow, waiting, stranger] = [member(), member(), member(), member()];
    const cameReg = (await register(h.app, event.id, came)).json();
    await register(h.app, event.id, noShow);
    await register(h.app, event.id, waiting);
    await checkIn(event.id, organizer, cameReg.checkInCode);

    const early = await rate(event.id, came);
    expect(early.statusCode).toBe(409);
    expect(early.json().type).toMatch(/event-not-ended$/);
    await endEvent(h.service, event.id);

    expect((await rate(event.id, came, { ...scores, venueQuality: 6 })).statusCode).toBe(400);
    expect((await rate(event.id, came, { ...scores, venueQuality: 0 })).statusCode).toBe(400);
    expect((await rate(event.id, noShow)).statusCode).toBe(403); // check-ins happened: only those checked in
    expect((await rate(event.id, waiting)).statusCode).toBe(403);
    expect((await rate(event.id, stranger)).statusCode).toBe(403);
    expect((await rate(event.id, organizer)).statusCode).toBe(403);
    const ok = await rate(event.id, came);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().average).toBe(4.2);
    const twice = await rate(event.id, came);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().type).toMatch(/already-rated$/);
    const summary = await h.app.inject({
      url: `/api/v1/events/${event.id}/ratings/summary`,
      headers: member().headers,
    });
    expect(summary.json()).toMatchObject({ ratings: 1, eventQuality: 5, venueQuality: 3, overall: 4.2 });
    const envelope = await until(() => submitted.find((e) => (e.data as { eventId: string }).eventId === event.id), {
      timeoutMs: 10_000,
    });
    expect(envelope.data).toMatchObject({ userId: came.id, organizerId: organizer.id, average: 4.2, scores });
  });

  it('lets confirmed registrants rate when nobody was checked in', async () => {
    const event = await createEvent(h.app, member());
    const guest = member();
    await register(h.app, event.id, guest);
    await endEvent(h.service, event.id);
    expect((await rate(event.id, guest)).statusCode).toBe(201);
  });
});

describe('consul scorecards', () => {
  it('counts local events held against the quota, averages ratings, and flags a consul behind quota', async () => {
    const lyon = consul('FR', 'Lyon');
    await deliver(h.service, RoleAppointed, {
      userId: lyon.id,
      role: 'consul',
      country: 'FR',
      city: 'Lyon',
      byUserId: 'usr_ambassador',
      at: new Date().toISOString(),
    });
    await until(
      async () =>
        (await h.service.context.db.query('SELECT 1 FROM organizer_roles WHERE user_id = $1', [lyon.id])).rows
          .length === 1,
      { timeoutMs: 10_000 },
    );
    const venue = { name: 'Salle', address: '1 quai', city: 'Lyon', country: 'FR', lat: 45.76, lon: 4.83 };
    const held = await createEvent(h.app, lyon, { type: 'local', venue });
    const attendee = member('FR', 'Lyon');
    await register(h.app, held.id, attendee);
    await endEvent(h.service, held.id);
    await rate(held.id, attendee, { ...scores, organizerPerformance: 3 });
    await createEvent(h.app, lyon, { type: 'local', venue }); // scheduled, not yet held

    const card = await h.app.inject({ url: `/api/v1/events/organizers/${lyon.id}/scorecard`, headers: lyon.headers });
    expect(card.statusCode).toBe(200);
    expect(card.json()).toMatchObject({
      organizerId: lyon.id,
      isConsul: true,
      country: 'FR',
      city: 'Lyon',
      eventsHeld: 1,
      eventsScheduled: 1,
      quota: 4,
      behindQuota: true,
      flagged: true,
      averages: { ratings: 1, organizerPerformance: 3 },
    });
    expect(card.json().monthly).toHaveLength(1);

    expect(
      (await h.app.inject({ url: `/api/v1/events/organizers/${lyon.id}/scorecard`, headers: member().headers }))
        .statusCode,
    ).toBe(403);
    expect(
      (await h.app.inject({ url: `/api/v1/events/organizers/${lyon.id}/scorecard`, headers: ambassador('SN').headers }))
        .statusCode,
    ).toBe(403);
    expect(
      (await h.app.inject({ url: `/api/v1/events/organizers/${lyon.id}/scorecard`, headers: ambassador('FR').headers }))
        .statusCode,
    ).toBe(200);

    const list = await h.app.inject({ url: '/api/v1/events/scorecards', headers: ambassador('FR').headers });
    expect(list.json().items.map((item: { organizerId: string }) => item.organizerId)).toContain(lyon.id);
    expect(
      (await h.app.inject({ url: '/api/v1/events/scorecards?country=FR', headers: ambassador('SN').headers }))
        .statusCode,
    ).toBe(403);
    expect(
      (await h.app.inject({ url: '/api/v1/events/scorecards?country=FR', headers: superUser().headers })).statusCode,
    ).toBe(200);

    // Three more held: on quota, no flag.
    for (let i = 0; i < 3; i++)
      await endEvent(h.service, (await createEvent(h.app, lyon, { type: 'local', venue })).id);
    const after = await h.app.inject({ url: `/api/v1/events/organizers/${lyon.id}/scorecard`, headers: lyon.headers });
    expect(after.json()).toMatchObject({ eventsHeld: 4, behindQuota: false, flagged: false });
  });
});
