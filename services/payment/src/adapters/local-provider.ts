import { randomBytes } from 'node:crypto';
import { type Database, type Logger, problems } from '@diaspora/service-kit';
import type { CheckoutSession, PaymentProvider, Plan, ProviderSubscription } from '../domain/ports.js';
import { signStripePayload, toProviderSubscription } from './stripe-events.js';

// biome-ignore lint/suspicious/noExplicitAny: Stripe-shaped JSON objects
type StripeObject = Record<string, any>;

/** Where the local provider hands its signed webhooks: the same entry point Stripe's deliveries reach. */
export type WebhookSink = (rawBody: Buffer, signature: string) => Promise<void>;

const token = (prefix: string) => `${prefix}_local_${randomBytes(16).toString('hex')}`;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * A Stripe stand-in for all-in-one and offline development (no keys): it keeps Stripe-shaped objects in this
 * service's database, completes a checkout when the member confirms it on the local page this service serves, and
 * delivers Stripe-shaped webhooks signed with the Stripe scheme to the same receiver — so the whole premium flow
 * (checkout → webhook → premium → cancel at period end → free) runs with no network. Its billing clock
 * (`tick`) renews or ends subscriptions whose period is over.
 */
export class LocalProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private sink: WebhookSink | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: {
      webhookSecret: string;
      publicBaseUrl: string;
      successUrl: string;
      plans: Map<string, Plan>;
      /** 0 = the plan's month or year. */
      periodSeconds: number;
      logger: Logger;
    },
  ) {}

  deliverTo(sink: WebhookSink) {
    this.sink = sink;
  }

  private async load(id: string): Promise<StripeObject | null> {
    const { rows } = await this.db.query<{ data: StripeObject }>(
      'SELECT data FROM local_provider_objects WHERE id = $1',
      [id],
    );
    return rows[0]?.data ?? null;
  }

  private async save(object: StripeObject) {
    await this.db.query(
      `INSERT INTO local_provider_objects (id, kind, data) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
      [object.id, object.object, JSON.stringify(object)],
    );
  }

  /** Stripe's idempotency: the same key answers the object the first call made. */
  private async once(key: string, create: () => Promise<StripeObject>): Promise<StripeObject> {
    const known = await this.load(`idem:${key}`);
    if (known) return (await this.load(String(known.ref))) ?? create();
    const object = await create();
    await this.save({ id: `idem:${key}`, object: 'idempotency_key', ref: object.id });
    return object;
  }

  async createCustomer(input: { userId: string; idempotencyKey: string }) {
    const customer = await this.once(`customer-${input.idempotencyKey}`, async () => {
      const created = { id: token('cus'), object: 'customer', metadata: { userId: input.userId } };
      await this.save(created);
      return created;
    });
    return String(customer.id);
  }

  private async checkout(key: string, fields: StripeObject): Promise<CheckoutSession> {
    const session = await this.once(key, async () => {
      const created = {
        id: token('cs'),
        object: 'checkout.session',
        status: 'open',
        created: seconds(new Date()),
        ...fields,
      };
      await this.save(created);
      return created;
    });
    return { provider: 'stripe', sessionId: String(session.id), checkoutUrl: this.checkoutUrl(String(session.id)) };
  }

  checkoutUrl(sessionId: string) {
    return `${this.options.publicBaseUrl}/api/v1/payments/local-checkout/${sessionId}`;
  }

  subscriptionCheckout(input: { customerId: string; userId: string; plan: Plan; idempotencyKey: string }) {
    const metadata = { userId: input.userId, kind: 'subscription', plan: input.plan.id };
    return this.checkout(`checkout-${input.idempotencyKey}`, {
      mode: 'subscription',
      customer: input.customerId,
      client_reference_id: input.userId,
      metadata,
      amount_total: input.plan.priceCents,
      currency: input.plan.currency.toLowerCase(),
      description: input.plan.name,
    });
  }

  ticketCheckout(input: {
    customerId: string;
    userId: string;
    event: { id: string; title: string; priceCents: number; currency: string };
    idempotencyKey: string;
  }) {
    return this.checkout(`ticket-${input.idempotencyKey}`, {
      mode: 'payment',
      customer: input.customerId,
      client_reference_id: input.userId,
      metadata: { userId: input.userId, kind: 'ticket', eventId: input.event.id },
      amount_total: input.event.priceCents,
      currency: input.event.currency.toLowerCase(),
      description: input.event.title,
    });
  }

  /** The open session behind a local checkout page, or null. */
  async session(sessionId: string): Promise<StripeObject | null> {
    const session = await this.load(sessionId);
    return session?.object === 'checkout.session' ? session : null;
  }

  /** The member paid on the local page: Stripe's objects and webhooks follow. Completing twice is a no-op. */
  async complete(sessionId: string): Promise<{ successUrl: string }> {
    const events = await this.db.tx(async (tx) => {
      const { rows } = await tx.query<{ data: StripeObject }>(
        `SELECT data FROM local_provider_objects WHERE id = $1 AND kind = 'checkout.session' FOR UPDATE`,
        [sessionId],
      );
      const session = rows[0]?.data;
      if (!session) throw problems.notFound('checkout session');
      if (session.status === 'complete') return [];
      const now = new Date();
      const out: [string, StripeObject][] = [];
      const completed: StripeObject = { ...session, status: 'complete', payment_status: 'paid' };
      if (session.mode === 'subscription') {
        const subscription = this.newSubscription(session, now);
        completed.subscription = subscription.id;
        const invoice = this.invoiceFor(subscription, session.amount_total, session.currency);
        for (const object of [completed, subscription, invoice]) await this.saveIn(tx, object);
        out.push(['checkout.session.completed', completed], ['customer.subscription.created', subscription]);
        out.push(['invoice.paid', invoice]);
      } else {
        completed.payment_intent = token('pi');
        await this.saveIn(tx, completed);
        out.push(['checkout.session.completed', completed]);
      }
      return out;
    });
    await this.deliver(events);
    return { successUrl: this.options.successUrl };
  }

  private async saveIn(tx: { query: Database['query'] }, object: StripeObject) {
    await tx.query(
      `INSERT INTO local_provider_objects (id, kind, data) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
      [object.id, object.object, JSON.stringify(object)],
    );
  }

  private periodEnd(plan: string, from: Date): number {
    if (this.options.periodSeconds) return seconds(from) + this.options.periodSeconds;
    const end = new Date(from);
    if (this.options.plans.get(plan)?.interval === 'year') end.setUTCFullYear(end.getUTCFullYear() + 1);
    else end.setUTCMonth(end.getUTCMonth() + 1);
    return seconds(end);
  }

  private newSubscription(session: StripeObject, now: Date): StripeObject {
    const periodEnd = this.periodEnd(session.metadata.plan, now);
    return {
      id: token('sub'),
      object: 'subscription',
      customer: session.customer,
      status: 'active',
      metadata: { userId: session.metadata.userId, plan: session.metadata.plan },
      cancel_at_period_end: false,
      items: { data: [{ current_period_start: seconds(now), current_period_end: periodEnd }] },
      amount: session.amount_total,
      currency: session.currency,
    };
  }

  private invoiceFor(subscription: StripeObject, amount: number, currency: string): StripeObject {
    return {
      id: token('in'),
      object: 'invoice',
      status: 'paid',
      customer: subscription.customer,
      subscription: subscription.id,
      amount_paid: amount,
      currency,
    };
  }

  async fetchSubscription(id: string): Promise<ProviderSubscription> {
    const subscription = await this.load(id);
    if (subscription?.object !== 'subscription') throw problems.notFound('subscription');
    return toProviderSubscription(subscription);
  }

  async cancelAtPeriodEnd(id: string): Promise<ProviderSubscription> {
    const subscription = await this.load(id);
    if (subscription?.object !== 'subscription') throw problems.notFound('subscription');
    const updated = { ...subscription, cancel_at_period_end: true };
    await this.save(updated);
    await this.deliver([['customer.subscription.updated', updated]]);
    return toProviderSubscription(updated);
  }

  async cancelNow(id: string): Promise<ProviderSubscription> {
    const subscription = await this.load(id);
    if (subscription?.object !== 'subscription') throw problems.notFound('subscription');
    if (subscription.status === 'canceled') return toProviderSubscription(subscription);
    const ended = { ...subscription, status: 'canceled', canceled_at: seconds(new Date()) };
    await this.save(ended);
    await this.deliver([['customer.subscription.deleted', ended]]);
    return toProviderSubscription(ended);
  }

  async refund(input: { paymentRef: string; amountCents: number; idempotencyKey: string }) {
    const refund = await this.once(`refund-${input.idempotencyKey}`, async () => {
      const created = {
        id: token('re'),
        object: 'refund',
        payment_intent: input.paymentRef,
        amount: input.amountCents,
      };
      await this.save(created);
      return created;
    });
    return { refundId: String(refund.id) };
  }

  /** The billing clock: a period that ended renews (a new paid invoice) or, when canceled at its end, ends. */
  async tick(now = new Date()): Promise<number> {
    const events = await this.db.tx(async (tx) => {
      const { rows } = await tx.query<{ data: StripeObject }>(
        `SELECT data FROM local_provider_objects
         WHERE kind = 'subscription' AND data->>'status' = 'active'
           AND (data->'items'->'data'->0->>'current_period_end')::bigint <= $1
         LIMIT 100 FOR UPDATE SKIP LOCKED`,
        [seconds(now)],
      );
      const out: [string, StripeObject][] = [];
      for (const { data: subscription } of rows) {
        if (subscription.cancel_at_period_end) {
          const ended = { ...subscription, status: 'canceled', canceled_at: seconds(now) };
          await this.saveIn(tx, ended);
          out.push(['customer.subscription.deleted', ended]);
          continue;
        }
        const renewed = {
          ...subscription,
          items: {
            data: [
              {
                current_period_start: seconds(now),
                current_period_end: this.periodEnd(subscription.metadata.plan, now),
              },
            ],
          },
        };
        const invoice = this.invoiceFor(renewed, subscription.amount, subscription.currency);
        await this.saveIn(tx, renewed);
        await this.saveIn(tx, invoice);
        out.push(['invoice.paid', invoice], ['customer.subscription.updated', renewed]);
      }
      return out;
    });
    await this.deliver(events);
    return events.length;
  }

  /** Signs each event as Stripe would and hands it to the receiver, in order. */
  private async deliver(events: [string, StripeObject][]) {
    for (const [type, object] of events) {
      const payload = JSON.stringify({
        id: token('evt'),
        object: 'event',
        type,
        created: seconds(new Date()),
        livemode: false,
        data: { object },
      });
      if (!this.sink) throw new Error('the local provider has no webhook receiver');
      await this.sink(Buffer.from(payload), signStripePayload(payload, this.options.webhookSecret));
    }
  }
}
