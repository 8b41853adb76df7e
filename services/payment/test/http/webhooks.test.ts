import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlans } from '../../src/config.js';
import { deliver, type Harness, providerHas, published, startPayments, stripeSubscription } from '../fixtures.js';

const ACTIVATED = 'payments.subscription.activated';
const CANCELED = 'payments.subscription.canceled';

describe('POST /webhooks/stripe', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPayments();
  });
  afterAll(async () => h?.close());

  const recorded = async () =>
    Number((await h.service.context.db.query('SELECT count(*)::int AS n FROM webhook_events')).rows[0]?.n);
  const grantsOf = async (userId: string) =>
    (await published(h.service)).filter(
      (row) => (row.subject === ACTIVATED || row.subject === CANCELED) && row.data.userId === userId,
    );

  it('refuses a bad signature, a wrong secret and a stale timestamp with 400, recording nothing', async () => {
    const before = await recorded();
    const object = stripeSubscription({ id: `sub_${newId('x')}`, userId: newId('usr'), status: 'active' });
    const bad = await deliver(h.app, { type: 'customer.subscription.updated', object }, { signature: 't=1,v1=abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().type).toContain('invalid-signature');
    const wrongSecret = await deliver(
      h.app,
      { type: 'customer.subscription.updated', object },
      { secret: 'whsec_other' },
    );
    expect(wrongSecret.statusCode).toBe(400);
    const stale = await deliver(
      h.app,
      { type: 'customer.subscription.updated', object },
      { timestamp: Math.floor(Date.now() / 1000) - 301 },
    );
    expect(stale.statusCode).toBe(400);
    const unsigned = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(unsigned.statusCode).toBe(400);
    expect(await recorded()).toBe(before);
  });

  it('a subscription becoming active grants premium once; a replay of the same event id changes nothing', async () => {
    const userId = newId('usr');
    const subscription = stripeSubscription({ id: `sub_${newId('x')}`, userId, status: 'active' });
    await providerHas(h.service, subscription);
    const id = `evt_${newId('x')}`;
    const first = await deliver(h.app, { id, type: 'customer.subscription.created', object: subscription });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, outcome: 'processed' });
    const replay = await deliver(h.app, { id, type: 'customer.subscription.created', object: subscription });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().outcome).toBe('duplicate');
    const grants = await grantsOf(userId);
    expect(grants.map((g) => g.subject)).toEqual([ACTIVATED]);
    expect(grants[0]?.data).toMatchObject({
      plan: 'premium-monthly-eur',
      provider: 'stripe',
      amountCents: 499,
      currency: 'EUR',
    });
  });

  it('invoice.paid before customer.subscription.created (incomplete): one grant, one transaction, one invoice', async () => {
    const userId = newId('usr');
    const subId = `sub_${newId('x')}`;
    // The provider's current state is active; the late "created" event still carries its old incomplete object.
    await providerHas(h.service, stripeSubscription({ id: subId, userId, status: 'active', customer: 'cus_a' }));
    const invoice = {
      id: `in_${newId('x')}`,
      object: 'invoice',
      customer: 'cus_a',
      subscription: subId,
      amount_paid: 499,
      currency: 'eur',
      hosted_invoice_url: 'https://invoice.stripe.test/i/1',
    };
    expect((await deliver(h.app, { type: 'invoice.paid', object: invoice })).statusCode).toBe(200);
    const old = stripeSubscription({ id: subId, userId, status: 'incomplete', customer: 'cus_a' });
    expect((await deliver(h.app, { type: 'customer.subscription.created', object: old })).statusCode).toBe(200);
    // The same invoice delivered again under a new event id (Stripe retries do that after a timeout).
    expect((await deliver(h.app, { type: 'invoice.paid', object: invoice })).statusCode).toBe(200);
    expect((await grantsOf(userId)).map((g) => g.subject)).toEqual([ACTIVATED]);
    const { rows } = await h.service.context.db.query(
      `SELECT t.kind, t.amount_cents::int AS amount, t.currency, i.number, i.url
       FROM transactions t JOIN invoices i ON i.transaction_id = t.id WHERE t.user_id = $1`,
      [userId],
    );
    expect(rows).toEqual([
      {
        kind: 'subscription',
        amount: 499,
        currency: 'EUR',
        number: expect.stringMatching(/^\d{4}-\d{6}$/),
        url: invoice.hosted_invoice_url,
      },
    ]);
    const revenue = await published(h.service, 'payments.transaction.recorded');
    expect(revenue.filter((r) => r.data.userId === userId)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ kind: 'subscription', amountCents: 499, currency: 'EUR' }),
      }),
    ]);
  });

  it('deleted before a stale updated(active): the member ends free, one grant and one cancel, never revived', async () => {
    const userId = newId('usr');
    const subId = `sub_${newId('x')}`;
    const active = stripeSubscription({ id: subId, userId, status: 'active' });
    await providerHas(h.service, active);
    await deliver(h.app, { type: 'customer.subscription.created', object: active });
    const canceled = { ...active, status: 'canceled' };
    await providerHas(h.service, canceled);
    expect((await deliver(h.app, { type: 'customer.subscription.deleted', object: canceled })).statusCode).toBe(200);
    // An older "updated" arrives last, and even a stale read of the provider saying active cannot revive it.
    await providerHas(h.service, active);
    expect((await deliver(h.app, { type: 'customer.subscription.updated', object: active })).statusCode).toBe(200);
    expect((await grantsOf(userId)).map((g) => g.subject)).toEqual([ACTIVATED, CANCELED]);
  });

  it('past_due keeps premium through the grace period, then the chore returns the member to free', async () => {
    const userId = newId('usr');
    const subId = `sub_${newId('x')}`;
    const active = stripeSubscription({ id: subId, userId, status: 'active' });
    await providerHas(h.service, active);
    await deliver(h.app, { type: 'customer.subscription.created', object: active });
    const pastDue = { ...active, status: 'past_due' };
    await providerHas(h.service, pastDue);
    await deliver(h.app, { type: 'customer.subscription.updated', object: pastDue });
    expect((await grantsOf(userId)).map((g) => g.subject)).toEqual([ACTIVATED]);
    // The grace (7 days by default) began 8 days ago.
    await h.service.context.db.query(
      `UPDATE subscriptions SET past_due_since = now() - interval '8 days' WHERE provider_subscription_id = $1`,
      [subId],
    );
    const { revokeAfterGrace } = await import('../../src/domain/subscriptions.js');
    const { createUnitOfWork } = await import('@diaspora/service-kit');
    const { paymentStores } = await import('../../src/store/stores.js');
    const uow = createUnitOfWork(h.service.context.db, h.service.context.outbox, paymentStores);
    const plans = new Map(parsePlans(h.service.config.PLANS).map((p) => [p.id, p]));
    const run = () =>
      uow.run((scope) => revokeAfterGrace(scope, { plans, graceMs: 7 * 86_400_000, now: new Date(), batch: 10 }));
    expect(await run()).toBeGreaterThanOrEqual(1);
    expect(await run()).toBe(0);
    expect((await grantsOf(userId)).map((g) => g.subject)).toEqual([ACTIVATED, CANCELED]);
    // Paid after all: premium again.
    await providerHas(h.service, active);
    await deliver(h.app, {
      type: 'invoice.payment_failed',
      object: { id: 'in_x', object: 'invoice', subscription: subId },
    });
    expect((await grantsOf(userId)).map((g) => g.subject)).toEqual([ACTIVATED, CANCELED, ACTIVATED]);
  });

  it('a shuffled, duplicated burst of one subscription life grants exactly as often as it ends', async () => {
    const userId = newId('usr');
    const subId = `sub_${newId('x')}`;
    const active = stripeSubscription({ id: subId, userId, status: 'active' });
    await providerHas(h.service, active);
    const events = [
      { id: `evt_${newId('a')}`, type: 'customer.subscription.created', object: { ...active, status: 'incomplete' } },
      { id: `evt_${newId('b')}`, type: 'customer.subscription.updated', object: active },
      {
        id: `evt_${newId('c')}`,
        type: 'invoice.paid',
        object: {
          id: `in_${newId('x')}`,
          object: 'invoice',
          subscription: subId,
          customer: `cus_${userId}`,
          amount_paid: 499,
          currency: 'eur',
        },
      },
    ];
    const burst = [...events, ...events, events[1], events[0]].filter((e) => e !== undefined);
    const answers = await Promise.all(burst.map((event) => deliver(h.app, event)));
    expect(answers.every((answer) => answer.statusCode === 200)).toBe(true);
    expect((await grantsOf(userId)).map((g) => g.subject)).toEqual([ACTIVATED]);
    const { rows } = await h.service.context.db.query(
      'SELECT count(*)::int AS n FROM transactions WHERE user_id = $1',
      [userId],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('an event for a customer nobody knows is stored and answered 200, and grants nothing', async () => {
    const subId = `sub_${newId('x')}`;
    const stranger = {
      ...stripeSubscription({ id: subId, userId: 'x', status: 'active', customer: 'cus_unknown' }),
      metadata: {},
    };
    await providerHas(h.service, stranger);
    const answer = await deliver(h.app, { type: 'customer.subscription.updated', object: stranger });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().outcome).toBe('unknown_customer');
    const { rows } = await h.service.context.db.query(
      `SELECT outcome FROM webhook_events WHERE payload->'data'->'object'->>'id' = $1`,
      [subId],
    );
    expect(rows).toEqual([{ outcome: 'unknown_customer' }]);
    const { rows: subs } = await h.service.context.db.query(
      'SELECT 1 FROM subscriptions WHERE provider_subscription_id = $1',
      [subId],
    );
    expect(subs).toHaveLength(0);
  });

  it('event types it does not act on are acknowledged and logged as ignored', async () => {
    const answer = await deliver(h.app, { type: 'customer.created', object: { id: 'cus_1', object: 'customer' } });
    expect(answer.json()).toEqual({ received: true, outcome: 'ignored' });
  });
});
