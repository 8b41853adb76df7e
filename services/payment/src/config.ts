import { ConfigError } from '@diaspora/service-kit';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

const Plan = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  interval: Type.Enum(['month', 'year']),
  priceCents: Type.Integer({ minimum: 1 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  /** A Stripe Price id to charge instead of an inline price (prices managed in the Stripe dashboard). */
  stripePriceId: Type.Optional(Type.String({ pattern: '^price_' })),
  /** The PayPal billing plan (P-…) this plan maps to, for PayPal subscriptions. */
  paypalPlanId: Type.Optional(Type.String({ minLength: 3 })),
});

const Plans = Type.Array(Plan, { minItems: 1, maxItems: 50 });

/** PLANS read once at boot: valid JSON of the plan shape with unique ids, or boot stops saying why. */
export function parsePlans(text: string): Static<typeof Plans> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError('invalid configuration for the payment service:\n  - PLANS: is not JSON');
  }
  const [error] = Value.Errors(Plans, value);
  if (error)
    throw new ConfigError(
      `invalid configuration for the payment service:\n  - PLANS${error.instancePath}: ${error.message}`,
    );
  const plans = value as Static<typeof Plans>;
  if (new Set(plans.map((plan) => plan.id)).size !== plans.length)
    throw new ConfigError('invalid configuration for the payment service:\n  - PLANS: plan ids must be unique');
  return plans;
}

const DEFAULT_PLANS = [
  { id: 'premium-monthly-eur', name: 'Premium (monthly)', interval: 'month', priceCents: 499, currency: 'EUR' },
  { id: 'premium-yearly-eur', name: 'Premium (yearly)', interval: 'year', priceCents: 4990, currency: 'EUR' },
  { id: 'premium-monthly-usd', name: 'Premium (monthly)', interval: 'month', priceCents: 599, currency: 'USD' },
  { id: 'premium-yearly-usd', name: 'Premium (yearly)', interval: 'year', priceCents: 5990, currency: 'USD' },
] as const;

/** The payment service's own settings, on top of the kit's base config (README "Configuration"). */
export const paymentConfig = {
  /** The event service's gRPC address (premium event prices and status for ticket checkouts). */
  EVENT_GRPC_ADDR: Type.String({ minLength: 3, description: 'host:port of the event service gRPC server' }),
  /** The premium plans on sale: a JSON array, one entry per plan and currency (see `parsePlans`). */
  PLANS: Type.String({ default: JSON.stringify(DEFAULT_PLANS), minLength: 2 }),
  /** Stripe secret key (sk_…); when unset the local provider completes checkouts itself (all-in-one, offline). */
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ minLength: 3 })),
  /** Signing secret of the Stripe webhook endpoint (whsec_…); generated under DATA_DIR for the local provider. */
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 8 })),
  /** Any Stripe-compatible API server (stripe-mock, a proxy); default https://api.stripe.com. */
  STRIPE_API_BASE: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** A Stripe payment method configuration (pmc_…) for checkouts; default the account's (card, Apple/Google Pay). */
  STRIPE_PAYMENT_METHOD_CONFIGURATION: Type.Optional(Type.String({ pattern: '^pmc_' })),
  /** Per-call timeout of provider API calls; an unreachable provider answers 503 after it. */
  PROVIDER_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000 }),
  /** PayPal REST app credentials; PayPal checkouts are offered only when both are set. */
  PAYPAL_CLIENT_ID: Type.Optional(Type.String({ minLength: 3 })),
  PAYPAL_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 3 })),
  /** The PayPal webhook's id (verify-webhook-signature needs it). */
  PAYPAL_WEBHOOK_ID: Type.Optional(Type.String({ minLength: 3 })),
  /** sandbox | live, or a base URL of a PayPal-compatible server. */
  PAYPAL_ENVIRONMENT: Type.String({ default: 'sandbox', pattern: '^(sandbox|live|https?://.+)$' }),
  /** Where the member's browser goes after paying or abandoning a checkout. */
  CHECKOUT_SUCCESS_URL: Type.String({ default: 'http://localhost:8000/payments/success', pattern: '^https?://' }),
  CHECKOUT_CANCEL_URL: Type.String({ default: 'http://localhost:8000/payments/canceled', pattern: '^https?://' }),
  /** Days a past_due subscription keeps premium before the member returns to free. */
  PAST_DUE_GRACE_DAYS: Type.Integer({ default: 7, minimum: 0, maximum: 60 }),
  /** How often the grace-period chore (and the local provider's billing clock) runs. */
  BILLING_CHORE_MS: Type.Integer({ default: 60_000, minimum: 100 }),
  /** Local provider only: billing period length in seconds (0 = the plan's month or year). */
  LOCAL_BILLING_PERIOD_SECONDS: Type.Integer({ default: 0, minimum: 0 }),
};
