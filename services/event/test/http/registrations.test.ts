import { TicketPaid } from '@diaspora/events';
import { collectPublished, until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/jobs/queues.js';
import { createEvent, deliver, type Harness, member, register, startEventService } from '../fixtures.js';

let h: Harness;
beforeAll(async () => {
  // A bigger pool than the default, so the 200 concurrent registrations really do contend for the seats.
  h = await startEventService({ env: { DATABASE_POOL_MAX: '20' } });
});
afterAll(async () => h?.close());

const cancel = (eventId: string, who: { headers: Record<string, string> }) =>
  h.app.inject({ method: 'DELETE', url: `/api/v1/events/${eventId}/registrations`, headers: who.headers });

describe('registration', () => {
  it('confirms with a check-in code and QR payload; a second registration is 409', async () => {
    const created = await collectPublished(h.service, 'events.registration.created');
    const event = await createEvent(h.app, member(), { capacity: 2 });
    const alice = member();
    const response = await register(h.app, event.id, alice);
    expect(response.statusCode).toBe(201);
    const registration = response.json();
    expect(registration).toMatchObject({ eventId: event.id, userId: alice.id, status: 'confirmed' });
    expect(registration.checkInCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(registration.qrPayload).toBe(`diaspora-checkin:v1:${event.id}:${registration.checkInCode}`);
    const twice = await register(h.app, event.id, alice);
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({
      registrationId: registration.id,
      registrationStatus: 'confirmed',
      status: 409,
    });
    const envelope = await until(
      () => created.find((e) => (e.data as { registrationId: string }).registrationId === registration.id),
      { timeoutMs: 10_000 },
    );
    expect(envelope.data).toMatchObject({
      status: 'confirmed',
      eventTitle: 'Diaspora tech meetup',
      userId: alice.id,
      country: 'FR',
    });
    const mine = await h.app.inject({ url: `/api/v1/events/${event.id}/registrations/me`, headers: alice.headers });
    expect(mine.json().checkInCode).toBe(registration.checkInCode);
  });

  it('never exceeds capacity under 200 concurrent registrations for 50 seats; the rest wait in order', async () => {
    const event = await createEvent(h.app, member(), { capacity: 50 });
    const people = Array.from({ length: 200 }, () => member());
    const responses = await Promise.all(people.map((who) => register(h.app, event.id, who)));
    expect(responses.every((response) => response.statusCode === 201)).toBe(true);
    const statuses = responses.map((response) => response.json().status);
    expect(statuses.filter((s) => s === 'confirmed')).toHaveLength(50);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(150);
    const positions = responses
      .map((response) => response.json().waitlistPosition)
      .filter(Boolean)
      .sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const detail = (await h.app.inject({ url: `/api/v1/events/${event.id}`, headers: member().headers })).json();
    expect(detail).toMatchObject({ registeredCount: 50, waitlistCount: 150, seatsLeft: 0 });
    const { rows } = await h.service.context.db.query(
      `SELECT status, count(*)::int AS n FROM registrations WHERE event_id = $1 GROUP BY status ORDER BY status`,
      [event.id],
    );
    expect(rows).toEqual([
      { status: 'confirmed', n: 50 },
      { status: 'waitlisted', n: 150 },
    ]);

    // FIFO promotion: each freed seat goes to the head of the waitlist.
    const byPosition = new Map(
      responses.flatMap((response, i) =>
        response.json().waitlistPosition ? [[response.json().waitlistPosition, people[i]!]] : [],
      ),
    );
    const confirmedIndex = statuses.indexOf('confirmed');
    const promoted = await collectPublished(h.service, 'events.registration.promoted');
    expect((await cancel(event.id, people[confirmedIndex]!)).json().status).toBe('canceled');
    const first = await h.app.inject({
      url: `/api/v1/events/${event.id}/registrations/me`,
      headers: byPosition.get(1)!.headers,
    });
    expect(first.json()).toMatchObject({ status: 'confirmed' });
    expect(first.json().checkInCode).toBeTruthy();
    const second = await h.app.inject({
      url: `/api/v1/events/${event.id}/registrations/me`,
      headers: byPosition.get(2)!.headers,
    });
    expect(second.json()).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    await until(() => promoted.find((e) => (e.data as { userId: string }).userId === byPosition.get(1)!.id), {
      timeoutMs: 10_000,
    });
    const after = (await h.app.inject({ url: `/api/v1/events/${event.id}`, headers: member().headers })).json();
    expect(after).toMatchObject({ registeredCount: 50, waitlistCount: 149 });
  }, 60_000);

  it('promotes the waitlist when the capacity grows', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 1 });
    await register(h.app, event.id, member());
    const waiting = member();
    await register(h.app, event.id, waiting);
    await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/events/${event.id}`,
      headers: organizer.headers,
      payload: { capacity: 2 },
    });
    const mine = await h.app.inject({ url: `/api/v1/events/${event.id}/registrations/me`, headers: waiting.headers });
    expect(mine.json().status).toBe('confirmed');
  });

  it('lists registrations for the organizer only', async () => {
    const organizer = member();
    const event = await createEvent(h.app, organizer, { capacity: 1 });
    await register(h.app, event.id, member());
    await register(h.app, event.id, member());
    expect(
      (await h.app.inject({ url: `/api/v1/events/${event.id}/registrations`, headers: member().headers })).statusCode,
    ).toBe(403);
    const list = await h.app.inject({
      url: `/api/v1/events/${event.id}/registrations?limit=1`,
      headers: organizer.headers,
    });
    expect(list.json().items).toHaveLength(1);
    const next = await h.app.inject({
      url: `/api/v1/events/${event.id}/registrations?limit=1&cursor=${list.json().nextCursor}`,
      headers: organizer.headers,
    });
    expect(next.json().items[0].id).not.toBe(list.json().items[0].id);
    const waitlisted = await h.app.inject({
      url: `/api/v1/events/${event.id}/registrations?status=waitlisted`,
      headers: organizer.headers,
    });
    expect(waitlisted.json().items).toMatchObject([{ status: 'waitlisted', waitlistPosition: 1 }]);
  });

  it('replays a retried registration with the same Idempotency-Key', async () => {
    const event = await createEvent(h.app, member(), { capacity: 3 });
    const bob = member();
    const send = (key: string) =>
      h.app.inject({
        method: 'POST',
        url: `/api/v1/events/${event.id}/registrations`,
        headers: { ...bob.headers, 'idempotency-key': key },
      });
    const first = await send('reg-1');
    const retry = await send('reg-1');
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    // A new key is a new attempt: already registered.
    expect((await send('reg-2')).statusCode).toBe(409);
  });
});

describe('premium events and payment', () => {
  it('holds a seat pending payment; payments.ticket.paid confirms it exactly once', async () => {
    const promoted = await collectPublished(h.service, 'events.registration.promoted');
    const event = await createEvent(h.app, member(), {
      type: 'premium',
      priceCents: 1500,
      currency: 'EUR',
      capacity: 1,
    });
    const payer = member();
    const pending = (await register(h.app, event.id, payer)).json();
    expect(pending.status).toBe('pending_payment');
    expect(pending.checkInCode).toBeUndefined();
    expect(new Date(pending.holdExpiresAt).getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
    // The held seat counts: the next member waits.
    expect((await register(h.app, event.id, member())).json().status).toBe('waitlisted');

    const ticket = {
      paymentId: 'pay_1',
      eventId: event.id,
      userId: payer.id,
      amountCents: 1500,
      currency: 'EUR',
      at: new Date().toISOString(),
    };
    const envelope = await deliver(h.service, TicketPaid, ticket);
    await until(
      async () => {
        const mine = await h.app.inject({ url: `/api/v1/events/${event.id}/registrations/me`, headers: payer.headers });
        return mine.json().status === 'confirmed' ? mine.json() : undefined;
      },
      { timeoutMs: 10_000 },
    );
    // Redelivery of the same event, and a second event for the same payment: no second effect.
    await deliver(h.service, TicketPaid, ticket, envelope.id);
    await deliver(h.service, TicketPaid, ticket);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const paymentPromotions = promoted.filter(
      (e) => (e.data as { registrationId: string }).registrationId === pending.id,
    );
    expect(paymentPromotions).toHaveLength(1);
    expect(paymentPromotions[0]!.data).toMatchObject({
      reason: 'payment',
      previousStatus: 'pending_payment',
      status: 'confirmed',
    });
    const { rows } = await h.service.context.db.query(
      'SELECT count(*)::int AS n FROM ticket_payments WHERE event_id = $1',
      [event.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('honours a ticket paid before registering', async () => {
    const event = await createEvent(h.app, member(), { type: 'premium', priceCents: 900, currency: 'EUR' });
    const early = member();
    await deliver(h.service, TicketPaid, {
      paymentId: 'pay_early',
      eventId: event.id,
      userId: early.id,
      amountCents: 900,
      currency: 'EUR',
      at: new Date().toISOString(),
    });
    await until(
      async () => {
        const { rows } = await h.service.context.db.query('SELECT 1 FROM ticket_payments WHERE payment_id = $1', [
          'pay_early',
        ]);
        return rows.length === 1;
      },
      { timeoutMs: 10_000 },
    );
    expect((await register(h.app, event.id, early)).json().status).toBe('confirmed');
  });

  it('releases an unpaid hold when it expires (durable job) and gives the seat to the waitlist', async () => {
    const canceled = await collectPublished(h.service, 'events.registration.canceled');
    const event = await createEvent(h.app, member(), {
      type: 'premium',
      priceCents: 1500,
      currency: 'EUR',
      capacity: 1,
    });
    const slow = member();
    const next = member();
    const held = (await register(h.app, event.id, slow)).json();
    expect((await register(h.app, event.id, next)).json().status).toBe('waitlisted');
    // Fast-forward: the hold ran out, and its job (planned in the registration's transaction) is due now.
    const db = h.service.context.db;
    await db.query(`UPDATE registrations SET hold_expires_at = now() - interval '1 second' WHERE id = $1`, [held.id]);
    const jobs = await db.query(
      `UPDATE event_jobs.job SET start_after = now() WHERE name = $1 AND data->>'registrationId' = $2`,
      [QUEUES.holdExpiry, held.id],
    );
    expect(jobs.rowCount).toBe(1);
    await until(() => canceled.find((e) => (e.data as { registrationId: string }).registrationId === held.id), {
      timeoutMs: 15_000,
    });
    const promotedNext = await h.app.inject({
      url: `/api/v1/events/${event.id}/registrations/me`,
      headers: next.headers,
    });
    expect(promotedNext.json().status).toBe('pending_payment');
    const gone = await h.app.inject({ url: `/api/v1/events/${event.id}/registrations/me`, headers: slow.headers });
    expect(gone.statusCode).toBe(404);
  }, 30_000);
});
