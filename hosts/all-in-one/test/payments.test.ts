import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, testPlatform } from './fixtures.js';

// The premium flow through the gateway, offline: no Stripe keys, so the payment service's local provider completes
// checkouts at its own page and signs its own Stripe-scheme webhooks. Billing periods last 20 s here so that a
// cancellation at period end is seen ending within the test.
const PERIOD_SECONDS = 20;
const platform = testPlatform('payments', {
  services: ['user', 'event', 'payment'],
  env: { LOCAL_BILLING_PERIOD_SECONDS: String(PERIOD_SECONDS), BILLING_CHORE_MS: '250' },
});
const { api } = platform;
beforeAll(() => platform.boot(), 120_000);
afterAll(() => platform.dispose());

const claims = (token: string): Json => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());

async function member(email: string) {
  const registered = await api('POST', '/api/v1/users/auth/register', {
    email,
    password: 'a long passphrase here',
    displayName: email.split('@')[0],
    originCountry: 'SN',
    residenceCountry: 'FR',
    residenceCity: 'Paris',
    languages: ['fr'],
  });
  expect(registered.status).toBe(201);
  let session = registered.body as { user: { id: string }; accessToken: string; refreshToken: string };
  return {
    id: session.user.id,
    token: () => session.accessToken,
    /** The next access token (refresh), as the app gets it. */
    async refresh() {
      const answer = await api('POST', '/api/v1/users/auth/refresh', { refreshToken: session.refreshToken });
      expect(answer.status).toBe(200);
      session = { ...session, ...answer.body };
      return claims(session.accessToken);
    },
  };
}

/** The member pays on the local checkout page (public, like Stripe's hosted page). */
const pay = async (checkoutUrl: string) => (await api('POST', `${new URL(checkoutUrl).pathname}/complete`)).status;

async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('payments through the gateway (all-in-one, local provider)', () => {
  it('subscribe → webhook → premium token → one transaction and invoice → cancel → free', async () => {
    const plans = await api('GET', '/api/v1/payments/plans');
    expect(plans.status).toBe(200);
    const awa = await member('awa@example.com');
    expect((await awa.refresh()).tier).toBe('free');
    expect((await api('POST', '/api/v1/payments/subscriptions', { plan: 'premium-monthly-eur' })).status).toBe(401);

    const checkout = await api(
      'POST',
      '/api/v1/payments/subscriptions',
      { plan: 'premium-monthly-eur', provider: 'stripe' },
      awa.token(),
    );
    expect(checkout.status).toBe(201);
    expect((await fetch(`${platform.gatewayUrl}${new URL(checkout.body.checkoutUrl).pathname}`)).status).toBe(200);
    expect(await pay(checkout.body.checkoutUrl)).toBe(200);

    // payments.subscription.activated → the user service's consumer → the next access token says premium.
    await eventually(
      async () => ((await awa.refresh()).tier === 'premium' ? true : undefined),
      'premium tier',
      15_000,
      1000,
    );
    const me = await api('GET', '/api/v1/payments/subscriptions/me', undefined, awa.token());
    expect(me.body).toMatchObject({ status: 'active', plan: 'premium-monthly-eur', cancelAtPeriodEnd: false });
    const transactions = await api('GET', '/api/v1/payments/transactions', undefined, awa.token());
    expect(transactions.body.items).toEqual([
      expect.objectContaining({ kind: 'subscription', amountCents: 499, currency: 'EUR', status: 'succeeded' }),
    ]);
    const invoices = await api('GET', '/api/v1/payments/invoices', undefined, awa.token());
    expect(invoices.body.items).toEqual([expect.objectContaining({ amountCents: 499, status: 'paid' })]);
    const invoice = await api('GET', `/api/v1/payments/invoices/${invoices.body.items[0].id}`, undefined, awa.token());
    expect(invoice.status).toBe(200);

    const canceled = await api('POST', '/api/v1/payments/subscriptions/me/cancel', undefined, awa.token());
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    // Premium until the period ends, then free (token refreshes are rate-limited per IP: poll the subscription).
    await eventually(
      async () => {
        const { body } = await api('GET', '/api/v1/payments/subscriptions/me', undefined, awa.token());
        return body.status === 'canceled' ? true : undefined;
      },
      'the end of the period',
      (PERIOD_SECONDS + 15) * 1000,
    );
    await eventually(
      async () => ((await awa.refresh()).tier === 'free' ? true : undefined),
      'the return to free',
      15_000,
      1000,
    );
    expect((await api('GET', '/api/v1/payments/transactions', undefined, awa.token())).body.items).toHaveLength(1);
  }, 90_000);

  it('a premium event ticket confirms the held seat', async () => {
    const organizer = await member('orga@example.com');
    const created = await api(
      'POST',
      '/api/v1/events',
      {
        title: 'Diaspora gala',
        description: 'Dinner and awards.',
        domain: 'ict',
        type: 'premium',
        priceCents: 2500,
        currency: 'EUR',
        startsAt: new Date(Date.now() + 48 * 3_600_000).toISOString(),
        endsAt: new Date(Date.now() + 51 * 3_600_000).toISOString(),
        timezone: 'Europe/Paris',
        venue: {
          name: 'Maison des Associations',
          address: '12 rue de la Paix',
          city: 'Paris',
          country: 'FR',
          lat: 48.8566,
          lon: 2.3522,
        },
        capacity: 20,
        languages: ['fr'],
      },
      organizer.token(),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const eventId = created.body.id as string;
    const guest = await member('guest@example.com');
    const held = await api('POST', `/api/v1/events/${eventId}/registrations`, undefined, guest.token());
    expect(held.body.status).toBe('pending_payment');

    const checkout = await api('POST', `/api/v1/payments/checkout/events/${eventId}`, undefined, guest.token());
    expect(checkout.status).toBe(201);
    expect(await pay(checkout.body.checkoutUrl)).toBe(200);
    const confirmed = await eventually(async () => {
      const mine = await api('GET', `/api/v1/events/${eventId}/registrations/me`, undefined, guest.token());
      return mine.body?.status === 'confirmed' ? mine.body : undefined;
    }, 'the confirmed seat');
    expect(confirmed.checkInCode).toEqual(expect.any(String));
    const [ticket] = (await api('GET', '/api/v1/payments/transactions', undefined, guest.token())).body.items;
    expect(ticket).toMatchObject({ kind: 'ticket', amountCents: 2500, currency: 'EUR', eventId });
  }, 60_000);

  it('webhooks are public at the gateway but need a valid signature', async () => {
    const answer = await fetch(`${platform.gatewayUrl}/api/v1/payments/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=forged' },
      body: '{"id":"evt_1","type":"invoice.paid","data":{"object":{}}}',
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { type: string }).type).toContain('invalid-signature');
  });
});
