import { EventCanceled } from '@diaspora/events';
import { buildEnvelope, encodeEnvelope, newId } from '@diaspora/service-kit';
import { until } from '@diaspora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, member, premiumEvent, published, startPayments } from '../fixtures.js';

const ACTIVATED = 'payments.subscription.activated';
const CANCELED = 'payments.subscription.canceled';

describe('the premium flow with the local provider (no Stripe keys)', () => {
  let h: Harness;
  const gala = premiumEvent();
  beforeAll(async () => {
    h = await startPayments({ events: [gala], env: { LOCAL_BILLING_PERIOD_SECONDS: '3600', BILLING_CHORE_MS: '200' } });
  });
  afterAll(async () => h?.close());

  const post = (url: string, who: { headers: Record<string, string> }, payload?: unknown, key?: string) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { ...who.headers, ...(key ? { 'idempotency-key': key } : {}) },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const get = (url: string, who: { headers: Record<string, string> }) =>
    h.app.inject({ method: 'GET', url, headers: who.headers });
  const completeAt = (checkoutUrl: string) =>
    h.app.inject({ method: 'POST', url: `${new URL(checkoutUrl).pathname}/complete` });

  it('an unknown checkout session is a 404 problem, not a page', async () => {
    const answer = await h.app.inject({
      method: 'GET',
      url: `/api/v1/payments/local-checkout/cs_local_${'0'.repeat(32)}`,
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toContain('application/problem+json');
  });

  it('lists the configured plans', async () => {
    const answer = await h.app.inject({ method: 'GET', url: '/api/v1/payments/plans' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().items).toContainEqual({
      id: 'premium-monthly-eur',
      name: 'Premium (monthly)',
      interval: 'month',
      priceCents: 499,
      currency: 'EUR',
    });
  });

  it('refuses an unknown plan (400) and an unconfigured provider (400), and needs a token (401)', async () => {
    const someone = member();
    const unknown = await post('/api/v1/payments/subscriptions', someone, { plan: 'gold', provider: 'stripe' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: 'plan', message: 'unknown plan "gold"' }]);
    const paypal = await post('/api/v1/payments/subscriptions', someone, {
      plan: 'premium-monthly-eur',
      provider: 'paypal',
    });
    expect(paypal.statusCode).toBe(400);
    expect(paypal.json().type).toContain('provider-unavailable');
    const anonymous = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions',
      payload: { plan: 'x' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('subscribe → pay → premium → one transaction and one invoice → cancel at period end → free', async () => {
    const alice = member();
    const checkout = await post(
      '/api/v1/payments/subscriptions',
      alice,
      { plan: 'premium-monthly-eur', provider: 'stripe' },
      'k1',
    );
    expect(checkout.statusCode).toBe(201);
    const { sessionId, checkoutUrl, provider } = checkout.json();
    expect(provider).toBe('stripe');
    expect(checkoutUrl).toBe(`http://localhost:8000/api/v1/payments/local-checkout/${sessionId}`);
    // A retry with the same key is the same checkout.
    const retry = await post(
      '/api/v1/payments/subscriptions',
      alice,
      { plan: 'premium-monthly-eur', provider: 'stripe' },
      'k1',
    );
    expect(retry.json().sessionId).toBe(sessionId);

    const page = await h.app.inject({ method: 'GET', url: new URL(checkoutUrl).pathname });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('4.99 EUR');
    expect((await get('/api/v1/payments/subscriptions/me', alice)).json()).toEqual({
      status: 'none',
      cancelAtPeriodEnd: false,
    });

    expect((await completeAt(checkoutUrl)).statusCode).toBe(200);
    expect((await completeAt(checkoutUrl)).statusCode).toBe(200); // twice: no second payment
    const mine = (await get('/api/v1/payments/subscriptions/me', alice)).json();
    expect(mine).toMatchObject({
      status: 'active',
      plan: 'premium-monthly-eur',
      provider: 'stripe',
      cancelAtPeriodEnd: false,
    });
    expect(Date.parse(mine.currentPeriodEnd)).toBeGreaterThan(Date.now() + 3_500_000);
    const grants = (await published(h.service)).filter(
      (r) => [ACTIVATED, CANCELED].includes(r.subject) && r.data.userId === alice.id,
    );
    expect(grants).toEqual([
      { subject: ACTIVATED, data: expect.objectContaining({ amountCents: 499, currency: 'EUR' }) },
    ]);

    const transactions = (await get('/api/v1/payments/transactions', alice)).json();
    expect(transactions.items).toEqual([
      expect.objectContaining({ kind: 'subscription', amountCents: 499, currency: 'EUR', status: 'succeeded' }),
    ]);
    const invoices = (await get('/api/v1/payments/invoices', alice)).json();
    expect(invoices.items).toHaveLength(1);
    const invoice = invoices.items[0];
    expect(invoice).toMatchObject({
      amountCents: 499,
      currency: 'EUR',
      status: 'paid',
      transactionId: transactions.items[0].id,
    });
    expect(invoice.number).toMatch(new RegExp(`^${new Date().getUTCFullYear()}-\\d{6}$`));
    expect((await get(`/api/v1/payments/invoices/${invoice.id}`, alice)).json()).toEqual(invoice);
    expect((await get(`/api/v1/payments/invoices/${invoice.id}`, member())).statusCode).toBe(404);

    // Already premium: a second subscription is refused.
    expect(
      (await post('/api/v1/payments/subscriptions', alice, { plan: 'premium-yearly-eur', provider: 'stripe' }))
        .statusCode,
    ).toBe(409);

    const canceled = await post('/api/v1/payments/subscriptions/me/cancel', alice);
    expect(canceled.statusCode).toBe(200);
    expect(canceled.json()).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    // The period ends.
    await h.service.context.db.query(
      `UPDATE local_provider_objects SET data = jsonb_set(data, '{items,data,0,current_period_end}', to_jsonb(1))
       WHERE kind = 'subscription' AND data->'metadata'->>'userId' = $1`,
      [alice.id],
    );
    // The local billing clock (a chore, every BILLING_CHORE_MS) deletes the subscription, as Stripe would.
    await until(async () => (await get('/api/v1/payments/subscriptions/me', alice)).json().status === 'canceled', {
      what: 'the subscription to end',
    });
    const after = (await published(h.service)).filter(
      (r) => [ACTIVATED, CANCELED].includes(r.subject) && r.data.userId === alice.id,
    );
    expect(after.map((r) => r.subject)).toEqual([ACTIVATED, CANCELED]);
    expect((await get('/api/v1/payments/transactions', alice)).json().items).toHaveLength(1);
    expect((await post('/api/v1/payments/subscriptions/me/cancel', alice)).statusCode).toBe(404);
  });

  it('renews at period end when not canceled: a second paid invoice, no second grant', async () => {
    const bob = member();
    const { checkoutUrl } = (
      await post('/api/v1/payments/subscriptions', bob, { plan: 'premium-monthly-eur', provider: 'stripe' })
    ).json();
    await completeAt(checkoutUrl);
    await h.service.context.db.query(
      `UPDATE local_provider_objects SET data = jsonb_set(data, '{items,data,0,current_period_end}', to_jsonb(1))
       WHERE kind = 'subscription' AND data->'metadata'->>'userId' = $1`,
      [bob.id],
    );
    const invoices = await until(
      async () => {
        const items = (await get('/api/v1/payments/invoices', bob)).json().items;
        return items.length === 2 ? items : undefined;
      },
      { what: 'the renewal invoice' },
    );
    expect((await get('/api/v1/payments/subscriptions/me', bob)).json()).toMatchObject({ status: 'active' });
    expect(invoices).toHaveLength(2);
    const [newer, older] = invoices;
    expect(Number(newer.number.slice(5))).toBe(Number(older.number.slice(5)) + 1);
    const grants = (await published(h.service, ACTIVATED)).filter((r) => r.data.userId === bob.id);
    expect(grants).toHaveLength(1);
  });

  it('a premium event ticket: checkout, payment → payments.ticket.paid; event canceled → refund rows', async () => {
    const carol = member();
    const checkout = await post(`/api/v1/payments/checkout/events/${gala.id}`, carol);
    expect(checkout.statusCode).toBe(201);
    const page = await h.app.inject({ method: 'GET', url: new URL(checkout.json().checkoutUrl).pathname });
    expect(page.body).toContain('25.00 EUR');
    await completeAt(checkout.json().checkoutUrl);
    const paid = (await published(h.service, 'payments.ticket.paid')).filter((r) => r.data.userId === carol.id);
    expect(paid).toEqual([
      {
        subject: 'payments.ticket.paid',
        data: expect.objectContaining({ eventId: gala.id, amountCents: 2500, currency: 'EUR' }),
      },
    ]);
    const [ticket] = (await get('/api/v1/payments/transactions', carol)).json().items;
    expect(ticket).toMatchObject({ kind: 'ticket', amountCents: 2500, eventId: gala.id, id: paid[0]?.data.paymentId });

    const snapshot = {
      eventId: gala.id,
      title: gala.title,
      domain: gala.domain,
      type: 'premium' as const,
      status: 'canceled' as const,
      startsAt: gala.startsAt,
      endsAt: gala.endsAt,
      timezone: gala.timezone,
      online: false,
      languages: ['fr'],
      organizerId: gala.organizerId,
      capacity: 10,
      registeredCount: 1,
      priceCents: 2500,
      currency: 'EUR',
    };
    const envelope = buildEnvelope('event', EventCanceled, snapshot);
    // Delivered twice (at-least-once): one refund.
    for (let i = 0; i < 2; i++)
      await h.service.context.bus.publish({
        id: envelope.id,
        subject: EventCanceled.subject,
        data: encodeEnvelope(envelope),
      });
    const items = await until(
      async () => {
        const list = (await get('/api/v1/payments/transactions', carol)).json().items;
        return list.length === 2 ? list : undefined;
      },
      { what: 'the refund' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await get('/api/v1/payments/transactions', carol)).json().items).toHaveLength(2);
    expect(items[0]).toMatchObject({ kind: 'refund', amountCents: 2500, currency: 'EUR', refundOf: ticket.id });
    const invoices = (await get('/api/v1/payments/invoices', carol)).json().items;
    expect(invoices).toEqual([expect.objectContaining({ status: 'refunded', transactionId: ticket.id })]);
  });

  it('ticket checkouts: unknown → 404, free, canceled or full → 409', async () => {
    const dave = member();
    const free = premiumEvent({ type: 'free', priceCents: undefined, currency: undefined });
    const canceled = premiumEvent({ status: 'canceled' });
    const full = premiumEvent({ capacity: 5, registeredCount: 5 });
    for (const event of [free, canceled, full]) h.events.set(event.id, event);
    expect((await post(`/api/v1/payments/checkout/events/${newId('evt')}`, dave)).statusCode).toBe(404);
    for (const [event, type] of [
      [free, 'event-free'],
      [canceled, 'event-canceled'],
      [full, 'event-full'],
    ] as const) {
      const answer = await post(`/api/v1/payments/checkout/events/${event.id}`, dave);
      expect(answer.statusCode).toBe(409);
      expect(answer.json().type).toContain(type);
    }
    expect((await post('/api/v1/payments/checkout/events/not-an-id', dave)).statusCode).toBe(400);
  });

  it('the member holding the last seat (pending_payment) may check out; a confirmed member may not', async () => {
    const [holder, confirmed, other] = [member(), member(), member()];
    const lastSeat = premiumEvent({ capacity: 2, registeredCount: 2 });
    h.events.set(lastSeat.id, lastSeat);
    h.registrations.set(`${lastSeat.id} ${holder.id}`, 'pending_payment');
    h.registrations.set(`${lastSeat.id} ${confirmed.id}`, 'confirmed');
    const answer = await post(`/api/v1/payments/checkout/events/${lastSeat.id}`, holder);
    expect(answer.statusCode).toBe(201);
    expect(answer.json().checkoutUrl).toEqual(expect.any(String));
    const refused = await post(`/api/v1/payments/checkout/events/${lastSeat.id}`, confirmed);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().type).toContain('already-registered');
    // Anyone else still sees a full event.
    expect((await post(`/api/v1/payments/checkout/events/${lastSeat.id}`, other)).json().type).toContain('event-full');
    // A confirmed member is refused even when seats are left.
    const roomy = premiumEvent();
    h.events.set(roomy.id, roomy);
    h.registrations.set(`${roomy.id} ${confirmed.id}`, 'confirmed');
    expect((await post(`/api/v1/payments/checkout/events/${roomy.id}`, confirmed)).statusCode).toBe(409);
  });

  it('pages transactions with signed cursors bound to the member', async () => {
    const bob = member();
    const { checkoutUrl } = (await post(`/api/v1/payments/checkout/events/${gala.id}`, bob)).json();
    await completeAt(checkoutUrl);
    const second = (await post(`/api/v1/payments/checkout/events/${gala.id}`, bob)).json();
    await completeAt(second.checkoutUrl);
    const first = (await get('/api/v1/payments/transactions?limit=1', bob)).json();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const next = (await get(`/api/v1/payments/transactions?limit=1&cursor=${first.nextCursor}`, bob)).json();
    expect(next.items[0].id < first.items[0].id).toBe(true);
    expect((await get(`/api/v1/payments/transactions?limit=1&cursor=${first.nextCursor}`, member())).statusCode).toBe(
      400,
    );
  });
});
