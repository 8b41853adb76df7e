import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '@diaspora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlans } from '../../src/config.js';
import { type Harness, member, premiumEvent, published, startPayments } from '../fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: fake PayPal JSON
type Json = Record<string, any>;

interface Call {
  method: string;
  path: string;
  requestId: string | undefined;
  authorization: string | undefined;
  body: Json;
}

/**
 * The PayPal REST endpoints the SDK and the webhook verifier call, from memory. The SDK reaches it as a forward
 * proxy (absolute URLs); verify-webhook-signature directly. A webhook "verifies" when its transmission signature
 * is `valid-signature` and it names the configured webhook id.
 */
async function fakePayPal() {
  const calls: Call[] = [];
  const subscriptions = new Map<string, Json>();
  const orders = new Map<string, Json>();
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    if (!text) return {};
    try {
      return JSON.parse(text) as Json;
    } catch {
      return Object.fromEntries(new URLSearchParams(text));
    }
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await read(request);
    const call = {
      method: request.method ?? '',
      path: url.pathname,
      requestId: request.headers['paypal-request-id'] as string | undefined,
      authorization: request.headers.authorization,
      body,
    };
    calls.push(call);
    const send = (status: number, json?: Json) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(json ? JSON.stringify(json) : '');
    };
    const path = url.pathname;
    if (path === '/v1/oauth2/token')
      return send(200, { access_token: 'A21-fake', token_type: 'Bearer', expires_in: 3600 });
    if (!call.authorization?.startsWith('Bearer A21-fake')) return send(401, { name: 'AUTHENTICATION_FAILURE' });
    if (path === '/v1/notifications/verify-webhook-signature') {
      const ok = body.transmission_sig === 'valid-signature' && body.webhook_id === 'WH-ID-1';
      return send(200, { verification_status: ok ? 'SUCCESS' : 'FAILURE' });
    }
    if (path === '/v1/billing/subscriptions' && request.method === 'POST') {
      const id = `I-${newId('x').slice(2, 14).toUpperCase()}`;
      const subscription = {
        id,
        plan_id: body.plan_id,
        custom_id: body.custom_id,
        status: 'APPROVAL_PENDING',
        billing_info: {
          outstanding_balance: { currency_code: 'EUR', value: '0.00' },
          failed_payments_count: 0,
          next_billing_time: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        },
        links: [
          { rel: 'approve', href: `https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=${id}` },
        ],
      };
      subscriptions.set(id, subscription);
      return send(201, subscription);
    }
    const subscriptionMatch = /^\/v1\/billing\/subscriptions\/([^/]+)(\/cancel)?$/.exec(path);
    if (subscriptionMatch) {
      const subscription = subscriptions.get(subscriptionMatch[1] as string);
      if (!subscription) return send(404, { name: 'RESOURCE_NOT_FOUND' });
      if (subscriptionMatch[2]) {
        subscription.status = 'CANCELLED';
        return send(204);
      }
      return send(200, subscription);
    }
    if (path === '/v2/checkout/orders' && request.method === 'POST') {
      const id = newId('o').slice(2, 19).toUpperCase();
      const order = {
        id,
        status: 'PAYER_ACTION_REQUIRED',
        purchase_units: body.purchase_units,
        links: [{ rel: 'payer-action', href: `https://www.sandbox.paypal.com/checkoutnow?token=${id}` }],
      };
      orders.set(id, order);
      return send(200, order);
    }
    const capture = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path);
    if (capture) {
      const order = orders.get(capture[1] as string);
      if (!order) return send(404, { name: 'RESOURCE_NOT_FOUND' });
      const unit = order.purchase_units[0];
      order.status = 'COMPLETED';
      order.purchase_units = [
        {
          ...unit,
          custom_id: unit.custom_id,
          payments: { captures: [{ id: `CAP-${order.id}`, status: 'COMPLETED', amount: unit.amount }] },
        },
      ];
      return send(201, order);
    }
    const refund = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path);
    if (refund) return send(201, { id: `REF-${refund[1]}`, status: 'COMPLETED' });
    return send(404, { name: 'NOT_FOUND', path });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    subscriptions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PLANS = JSON.stringify([
  {
    id: 'premium-monthly-eur',
    name: 'Premium',
    interval: 'month',
    priceCents: 499,
    currency: 'EUR',
    paypalPlanId: 'P-MONTHLY',
  },
  { id: 'premium-yearly-eur', name: 'Premium', interval: 'year', priceCents: 4990, currency: 'EUR' },
]);

describe('PayPal behind the same port (against a fake of its REST API)', () => {
  let paypal: Awaited<ReturnType<typeof fakePayPal>>;
  let h: Harness;
  const gala = premiumEvent();

  beforeAll(async () => {
    paypal = await fakePayPal();
    h = await startPayments({
      events: [gala],
      env: {
        PLANS,
        PAYPAL_CLIENT_ID: 'client-id',
        PAYPAL_CLIENT_SECRET: 'client-secret',
        PAYPAL_WEBHOOK_ID: 'WH-ID-1',
        PAYPAL_ENVIRONMENT: paypal.url,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await paypal?.close();
  });

  const webhook = (event: Json, signature = 'valid-signature') =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/paypal',
      headers: {
        'content-type': 'application/json',
        'paypal-auth-algo': 'SHA256withRSA',
        'paypal-cert-url': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1',
        'paypal-transmission-id': newId('t'),
        'paypal-transmission-sig': signature,
        'paypal-transmission-time': new Date().toISOString(),
      },
      payload: JSON.stringify({ id: `WH-${newId('e')}`, ...event }),
    });
  const grants = async (userId: string) =>
    (await published(h.service))
      .filter((r) => r.subject.startsWith('payments.subscription.') && r.data.userId === userId)
      .map((r) => r.subject.split('.').at(-1));

  it('subscribes on the plan’s PayPal billing plan, the member in custom_id, with a PayPal-Request-Id', async () => {
    const ana = member();
    const answer = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions',
      headers: { ...ana.headers, 'idempotency-key': 'sub-1' },
      payload: { plan: 'premium-monthly-eur', provider: 'paypal' },
    });
    expect(answer.statusCode).toBe(201);
    expect(answer.json()).toMatchObject({
      provider: 'paypal',
      checkoutUrl: expect.stringContaining('sandbox.paypal.com'),
    });
    const created = paypal.calls.find((c) => c.path === '/v1/billing/subscriptions' && c.body.custom_id === ana.id);
    expect(created).toMatchObject({ requestId: `subscription-${ana.id}-sub-1`, body: { plan_id: 'P-MONTHLY' } });
    expect(created?.body.application_context).toMatchObject({ return_url: expect.any(String) });
    // A plan without a PayPal billing plan cannot be paid with PayPal.
    const yearly = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions',
      headers: ana.headers,
      payload: { plan: 'premium-yearly-eur', provider: 'paypal' },
    });
    expect(yearly.statusCode).toBe(400);
  });

  it('verifies webhooks with verify-webhook-signature: forged → 400 and nothing recorded; genuine → premium once', async () => {
    const bea = member();
    const checkout = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions',
      headers: bea.headers,
      payload: { plan: 'premium-monthly-eur', provider: 'paypal' },
    });
    const id = checkout.json().sessionId as string;
    const forged = await webhook({ event_type: 'BILLING.SUBSCRIPTION.ACTIVATED', resource: { id } }, 'forged');
    expect(forged.statusCode).toBe(400);
    const verification = paypal.calls.filter((c) => c.path === '/v1/notifications/verify-webhook-signature').at(-1);
    expect(verification?.body).toMatchObject({
      webhook_id: 'WH-ID-1',
      transmission_sig: 'forged',
      auth_algo: 'SHA256withRSA',
    });
    const unsigned = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/webhooks/paypal',
      payload: { id: 'WH-1' },
    });
    expect(unsigned.statusCode).toBe(400);
    expect(await grants(bea.id)).toEqual([]);

    (paypal.subscriptions.get(id) as Json).status = 'ACTIVE';
    const activated = await webhook({ event_type: 'BILLING.SUBSCRIPTION.ACTIVATED', resource: { id } });
    expect(activated.json()).toEqual({ received: true, outcome: 'processed' });
    const sale = {
      event_type: 'PAYMENT.SALE.COMPLETED',
      resource: { id: `SALE-${id}`, billing_agreement_id: id, amount: { total: '4.99', currency: 'EUR' } },
    };
    await webhook(sale);
    await webhook(sale);
    expect(await grants(bea.id)).toEqual(['activated']);
    const transactions = (
      await h.app.inject({ method: 'GET', url: '/api/v1/payments/transactions', headers: bea.headers })
    ).json();
    expect(transactions.items).toEqual([
      expect.objectContaining({ kind: 'subscription', amountCents: 499, currency: 'EUR' }),
    ]);

    // Cancel: PayPal stops billing at once, the member keeps premium until the paid period ends.
    const canceled = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments/subscriptions/me/cancel',
      headers: bea.headers,
    });
    expect(canceled.json()).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(paypal.calls.some((c) => c.path === `/v1/billing/subscriptions/${id}/cancel`)).toBe(true);
    await webhook({ event_type: 'BILLING.SUBSCRIPTION.CANCELLED', resource: { id } });
    expect(await grants(bea.id)).toEqual(['activated']);
    await h.service.context.db.query(
      `UPDATE subscriptions SET current_period_end = now() - interval '1 second' WHERE provider_subscription_id = $1`,
      [id],
    );
    const { revokeAfterGrace } = await import('../../src/domain/subscriptions.js');
    const { createUnitOfWork } = await import('@diaspora/service-kit');
    const { paymentStores } = await import('../../src/store/stores.js');
    const uow = createUnitOfWork(h.service.context.db, h.service.context.outbox, paymentStores);
    const plans = new Map(parsePlans(h.service.config.PLANS).map((p) => [p.id, p]));
    await uow.run((scope) => revokeAfterGrace(scope, { plans, graceMs: 7 * 86_400_000, now: new Date(), batch: 10 }));
    expect(await grants(bea.id)).toEqual(['activated', 'canceled']);
  });

  it('a ticket: order created, approved order captured once, payments.ticket.paid; refunded when the event is canceled', async () => {
    const cleo = member();
    const checkout = await h.app.inject({
      method: 'POST',
      url: `/api/v1/payments/checkout/events/${gala.id}?provider=paypal`,
      headers: cleo.headers,
    });
    expect(checkout.statusCode).toBe(201);
    const orderId = checkout.json().sessionId as string;
    const order = paypal.calls.find(
      (c) => c.path === '/v2/checkout/orders' && c.body.purchase_units?.[0]?.custom_id === `${cleo.id}:${gala.id}`,
    );
    expect(order?.body.purchase_units[0].amount).toEqual({ currency_code: 'EUR', value: '25.00' });
    const approved = { event_type: 'CHECKOUT.ORDER.APPROVED', resource: { id: orderId } };
    expect((await webhook(approved)).statusCode).toBe(200);
    expect((await webhook(approved)).statusCode).toBe(200);
    const captures = paypal.calls.filter((c) => c.path === `/v2/checkout/orders/${orderId}/capture`);
    expect(new Set(captures.map((c) => c.requestId))).toEqual(new Set([`capture-${orderId}`]));
    const paid = (await published(h.service, 'payments.ticket.paid')).filter((r) => r.data.userId === cleo.id);
    expect(paid).toEqual([
      {
        subject: 'payments.ticket.paid',
        data: expect.objectContaining({ eventId: gala.id, amountCents: 2500, currency: 'EUR' }),
      },
    ]);

    const { refundEventTickets } = await import('../../src/domain/refunds.js');
    const { createUnitOfWork, createLogger } = await import('@diaspora/service-kit');
    const { paymentStores } = await import('../../src/store/stores.js');
    const { PayPalProvider } = await import('../../src/adapters/paypal-provider.js');
    const uow = createUnitOfWork(h.service.context.db, h.service.context.outbox, paymentStores);
    const provider = new PayPalProvider({
      clientId: 'client-id',
      clientSecret: 'client-secret',
      environment: paypal.url,
      timeoutMs: 2000,
      successUrl: 'https://app.test/ok',
      cancelUrl: 'https://app.test/no',
      plans: new Map(),
    });
    const logger = createLogger({ service: 'test', level: 'silent' });
    expect(await refundEventTickets(uow, { providers: new Map([['paypal', provider]]), logger }, gala.id)).toBe(1);
    expect(paypal.calls.find((c) => c.path === `/v2/payments/captures/CAP-${orderId}/refund`)?.requestId).toMatch(
      /^refund-pay_/,
    );
  });
});
