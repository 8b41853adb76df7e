import Stripe from 'stripe';
import type { BillingFact, ProviderSubscription, SubscriptionStatus, WebhookEvent } from '../domain/ports.js';

/** Stripe's tolerance for a webhook's signed timestamp: older (or replayed later) deliveries are refused. */
const STRIPE_TOLERANCE_SECONDS = 300;

export class InvalidSignature extends Error {
  override name = 'InvalidSignature';
}

// biome-ignore lint/suspicious/noExplicitAny: Stripe objects are read field by field, across API versions
type StripeObject = Record<string, any>;

const idOf = (value: unknown): string | null =>
  typeof value === 'string' ? value : value && typeof value === 'object' && 'id' in value ? String(value.id) : null;

/** Stripe's eight subscription states folded into the four that decide premium. */
function statusOf(stripeStatus: string): SubscriptionStatus {
  switch (stripeStatus) {
    case 'active':
    case 'trialing':
      return 'active';
    case 'past_due':
      return 'past_due';
    // unpaid: Stripe gave up retrying; incomplete_expired: the first payment never came.
    case 'canceled':
    case 'unpaid':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return 'incomplete';
  }
}

/** A Stripe subscription object as the domain sees it (period end moved to the items in 2025 API versions). */
export function toProviderSubscription(subscription: StripeObject): ProviderSubscription {
  const periodEnd = subscription.items?.data?.[0]?.current_period_end ?? subscription.current_period_end ?? null;
  return {
    id: String(subscription.id),
    customerId: idOf(subscription.customer),
    userId: subscription.metadata?.userId ?? null,
    plan: subscription.metadata?.plan ?? null,
    status: statusOf(String(subscription.status)),
    currentPeriodEnd: typeof periodEnd === 'number' ? new Date(periodEnd * 1000) : null,
    cancelAtPeriodEnd: Boolean(subscription.cancel_at_period_end),
  };
}

function factOf(type: string, object: StripeObject): BillingFact {
  switch (type) {
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed':
      return { kind: 'subscription-changed', subscriptionId: String(object.id), customerId: idOf(object.customer) };
    case 'customer.subscription.deleted':
      return {
        kind: 'subscription-changed',
        subscriptionId: String(object.id),
        customerId: idOf(object.customer),
        deleted: { ...toProviderSubscription(object), status: 'canceled' },
      };
    case 'invoice.payment_failed': {
      const subscriptionId = idOf(object.subscription ?? object.parent?.subscription_details?.subscription);
      return subscriptionId
        ? { kind: 'subscription-changed', subscriptionId, customerId: idOf(object.customer) }
        : { kind: 'ignored' };
    }
    case 'invoice.paid':
      return {
        kind: 'invoice-paid',
        invoiceId: String(object.id),
        subscriptionId: idOf(object.subscription ?? object.parent?.subscription_details?.subscription),
        customerId: idOf(object.customer),
        amountCents: Number(object.amount_paid ?? 0),
        currency: String(object.currency ?? '').toUpperCase(),
        url: object.hosted_invoice_url ?? null,
      };
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const kind = object.metadata?.kind;
      return {
        kind: 'checkout-completed',
        sessionId: String(object.id),
        customerId: idOf(object.customer),
        userId: object.metadata?.userId ?? object.client_reference_id ?? null,
        purpose: kind === 'ticket' || kind === 'subscription' ? kind : 'unknown',
        subscriptionId: idOf(object.subscription),
        eventId: object.metadata?.eventId ?? null,
        paymentRef: idOf(object.payment_intent),
        paid: object.payment_status === 'paid' || object.payment_status === 'no_payment_required',
        amountCents: Number(object.amount_total ?? 0),
        currency: String(object.currency ?? '').toUpperCase(),
      };
    }
    default:
      return { kind: 'ignored' };
  }
}

/**
 * Verifies a Stripe webhook on its raw body (signature and 300 s tolerance, with the SDK) and says what it means.
 * Throws InvalidSignature for a bad, stale or malformed delivery.
 */
export function verifyStripeWebhook(rawBody: Buffer, signature: string | undefined, secret: string): WebhookEvent {
  if (!signature) throw new InvalidSignature('missing Stripe-Signature header');
  let event: StripeObject;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature, secret, STRIPE_TOLERANCE_SECONDS) as StripeObject;
  } catch (error) {
    throw new InvalidSignature(error instanceof Error ? error.message : 'invalid signature');
  }
  if (typeof event.id !== 'string' || typeof event.type !== 'string' || !event.data?.object)
    throw new InvalidSignature('not a Stripe event');
  return {
    provider: 'stripe',
    id: event.id,
    type: event.type,
    fact: factOf(event.type, event.data.object),
    payload: event,
  };
}

/** Signs a payload the way Stripe does (the local provider's deliveries, and tests). */
export function signStripePayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}
