import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeProvider } from '../../src/adapters/stripe-provider.js';
import { type Harness, member, premiumEvent, startPayments } from '../fixtures.js';

const stripeMock = process.env.STRIPE_MOCK_URL;

interface Recorded {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  body: URLSearchParams;
}

/** A pass-through in front of stripe-mock that records what the SDK sent (stripe-mock does not echo headers). */
async function recordingProxy(target: string) {
  const calls: Recorded[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    calls.push({
      method: request.method ?? '',
      path: request.url ?? '',
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      body: new URLSearchParams(body),
    });
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name)),
    ) as Record<string, string>;
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method ?? 'GET',
      headers,
      ...(request.method === 'GET' ? {} : { body }),
    });
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const plan = {
  id: 'premium-monthly-eur',
  name: 'Premium',
  interval: 'month' as const,
  priceCents: 499,
  currency: 'EUR',
};

describe.skipIf(!stripeMock)('Stripe adapter against stripe-mock', () => {
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let stripe: StripeProvider;

  beforeAll(async () => {
    proxy = await recordingProxy(stripeMock as string);
    stripe = new StripeProvider({
      secretKey: 'sk_test_123',
      apiBase: proxy.url,
      timeoutMs: 5000,
      successUrl: 'https://app.test/paid',
      cancelUrl: 'https://app.test/canceled',
    });
  });
  afterAll(async () => proxy?.close());

  const last = () => proxy.calls.at(-1) as Recorded;

  it('creates the member’s Customer with metadata.userId and an idempotency key', async () => {
    const userId = newId('usr');
    const customerId = await stripe.createCustomer({ userId, idempotencyKey: userId });
    expect(customerId).toMatch(/^cus_/);
    expect(last()).toMatchObject({ method: 'POST', path: '/v1/customers', idempotencyKey: `customer-${userId}` });
    expect(last().body.get('metadata[userId]')).toBe(userId);
  });

  it('opens a subscription Checkout Session carrying the member on every object it makes', async () => {
    const userId = newId('usr');
    const session = await stripe.subscriptionCheckout({ customerId: 'cus_1', userId, plan, idempotencyKey: 'k-1' });
    expect(session).toMatchObject({ provider: 'stripe', sessionId: expect.stringMatching(/^cs_/) });
    expect(session.checkoutUrl).toMatch(/^https?:\/\//);
    const { body, idempotencyKey, path } = last();
    expect(path).toBe('/v1/checkout/sessions');
    expect(idempotencyKey).toBe('checkout-k-1');
    expect(body.get('mode')).toBe('subscription');
    expect(body.get('client_reference_id')).toBe(userId);
    expect(body.get('metadata[userId]')).toBe(userId);
    expect(body.get('subscription_data[metadata][userId]')).toBe(userId);
    expect(body.get('line_items[0][price_data][unit_amount]')).toBe('499');
    expect(body.get('line_items[0][price_data][currency]')).toBe('eur');
    expect(body.get('line_items[0][price_data][recurring][interval]')).toBe('month');
  });

  it('opens a ticket Checkout Session with the event in its metadata', async () => {
    const userId = newId('usr');
    const eventId = newId('evt');
    await stripe.ticketCheckout({
      customerId: 'cus_1',
      userId,
      event: { id: eventId, title: 'Gala', priceCents: 2500, currency: 'EUR' },
      idempotencyKey: 'k-2',
    });
    const { body, idempotencyKey } = last();
    expect(idempotencyKey).toBe('ticket-k-2');
    expect(body.get('mode')).toBe('payment');
    expect(body.get('metadata[eventId]')).toBe(eventId);
    expect(body.get('payment_intent_data[metadata][userId]')).toBe(userId);
  });

  it('reads a subscription, cancels it at period end and refunds a payment, each write keyed', async () => {
    const state = await stripe.fetchSubscription('sub_123');
    expect(state).toMatchObject({
      id: 'sub_123',
      status: expect.stringMatching(/^(active|past_due|canceled|incomplete)$/),
    });
    expect(last().method).toBe('GET');
    await stripe.cancelAtPeriodEnd('sub_123', 'k-3');
    expect(last()).toMatchObject({ path: '/v1/subscriptions/sub_123', idempotencyKey: 'cancel-k-3' });
    expect(last().body.get('cancel_at_period_end')).toBe('true');
    const ended = await stripe.cancelNow('sub_123', 'sub_ours');
    expect(ended.id).toBe('sub_123');
    expect(last()).toMatchObject({
      method: 'DELETE',
      path: '/v1/subscriptions/sub_123',
      idempotencyKey: 'cancel-now-sub_ours',
    });
    const { refundId } = await stripe.refund({ paymentRef: 'pi_123', amountCents: 2500, idempotencyKey: 'pay_1' });
    expect(refundId).toMatch(/^re_/);
    expect(last()).toMatchObject({ path: '/v1/refunds', idempotencyKey: 'refund-pay_1' });
    expect(last().body.get('payment_intent')).toBe('pi_123');
  });

  it('a request Stripe refuses is a 502 problem (our configuration, not the member’s retry), not a crash', async () => {
    const refused = stripe.refund({ paymentRef: 'pi_1', amountCents: Number.NaN, idempotencyKey: 'bad' });
    await expect(refused).rejects.toMatchObject({
      status: 502,
      detail: 'The payment provider (stripe) refused the request.',
    });
  });

  describe('the service wired to stripe-mock through STRIPE_API_BASE', () => {
    let h: Harness;
    const gala = premiumEvent();
    beforeAll(async () => {
      h = await startPayments({
        events: [gala],
        env: { STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_API_BASE: stripeMock as string },
      });
    });
    afterAll(async () => h?.close());

    it('answers checkouts for a subscription and a ticket', async () => {
      const frank = member();
      const subscribe = await h.app.inject({
        method: 'POST',
        url: '/api/v1/payments/subscriptions',
        headers: frank.headers,
        payload: { plan: 'premium-monthly-eur', provider: 'stripe' },
      });
      expect(subscribe.statusCode).toBe(201);
      expect(subscribe.json()).toMatchObject({ provider: 'stripe', sessionId: expect.stringMatching(/^cs_/) });
      const { rows } = await h.service.context.db.query('SELECT customer_id FROM customers WHERE user_id = $1', [
        frank.id,
      ]);
      expect(rows).toEqual([{ customer_id: expect.stringMatching(/^cus_/) }]);
      const ticket = await h.app.inject({
        method: 'POST',
        url: `/api/v1/payments/checkout/events/${gala.id}`,
        headers: frank.headers,
      });
      expect(ticket.statusCode).toBe(201);
    });
  });
});

describe('Stripe unreachable', () => {
  let h: Harness;
  beforeAll(async () => {
    // A port nothing listens on: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    h = await startPayments({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_123',
        STRIPE_API_BASE: `http://127.0.0.1:${port}`,
        PROVIDER_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => h?.close());

  it('answers 503 with a problem that leaks nothing, and writes nothing', async () => {
    const grace = member();
    const answer = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions',
      headers: grace.headers,
      payload: { plan: 'premium-monthly-eur', provider: 'stripe' },
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.headers['retry-after']).toBeDefined();
    expect(answer.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    const { rows } = await h.service.context.db.query(
      'SELECT (SELECT count(*) FROM customers)::int + (SELECT count(*) FROM subscriptions)::int AS n',
    );
    expect(rows[0]?.n).toBe(0);
  });
});
