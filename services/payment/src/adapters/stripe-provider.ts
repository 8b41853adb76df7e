import Stripe from 'stripe';
import type { CheckoutSession, PaymentProvider, Plan, ProviderSubscription } from '../domain/ports.js';
import { providerProblem } from './provider-errors.js';
import { toProviderSubscription } from './stripe-events.js';

export interface StripeProviderOptions {
  secretKey: string;
  /** A Stripe-compatible server (stripe-mock in tests); default the real API. */
  apiBase?: string | undefined;
  timeoutMs: number;
  successUrl: string;
  cancelUrl: string;
  paymentMethodConfiguration?: string | undefined;
}

/** The SDK pointed at `apiBase` through its host/port/protocol options. */
function stripeClient(options: Pick<StripeProviderOptions, 'secretKey' | 'apiBase' | 'timeoutMs'>): Stripe {
  const config: ConstructorParameters<typeof Stripe>[1] = {
    timeout: options.timeoutMs,
    // Retries reuse the idempotency key, so a retried create never makes a second object.
    maxNetworkRetries: 1,
    appInfo: { name: 'diaspora-payment-service' },
  };
  if (options.apiBase) {
    const url = new URL(options.apiBase);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    Object.assign(config, {
      host: url.hostname,
      port: url.port || (protocol === 'http' ? 80 : 443),
      protocol,
    });
  }
  return new Stripe(options.secretKey, config);
}

/**
 * Stripe behind the provider port: one Customer per member (metadata.userId), hosted Checkout Sessions for
 * subscriptions and tickets (client_reference_id + metadata, so webhooks find the member), card payments — which
 * Checkout offers as Apple Pay and Google Pay on devices that have them — and an idempotency key on every write.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(private readonly options: StripeProviderOptions) {
    this.stripe = stripeClient(options);
  }

  /**
   * Checkout shows the account's dynamic payment methods: card, and with it Apple Pay and Google Pay on devices
   * that have them (no per-session switch exists in current API versions). A named configuration (pmc_…) picks
   * another set, e.g. one with PayPal or SEPA as well.
   */
  private paymentMethods() {
    return this.options.paymentMethodConfiguration
      ? { payment_method_configuration: this.options.paymentMethodConfiguration }
      : {};
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw providerProblem(error, 'stripe');
    }
  }

  async createCustomer(input: { userId: string; idempotencyKey: string }) {
    const customer = await this.call(() =>
      this.stripe.customers.create(
        { metadata: { userId: input.userId } },
        { idempotencyKey: `customer-${input.idempotencyKey}` },
      ),
    );
    return customer.id;
  }

  async subscriptionCheckout(input: {
    customerId: string;
    userId: string;
    plan: Plan;
    idempotencyKey: string;
  }): Promise<CheckoutSession> {
    const { plan } = input;
    const metadata = { userId: input.userId, kind: 'subscription', plan: plan.id };
    const price = plan.stripePriceId
      ? { price: plan.stripePriceId }
      : {
          price_data: {
            currency: plan.currency.toLowerCase(),
            unit_amount: plan.priceCents,
            recurring: { interval: plan.interval },
            product_data: { name: plan.name },
          },
        };
    const session = await this.call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer: input.customerId,
          client_reference_id: input.userId,
          metadata,
          subscription_data: { metadata },
          line_items: [{ ...price, quantity: 1 }],
          ...this.paymentMethods(),
          success_url: this.options.successUrl,
          cancel_url: this.options.cancelUrl,
        },
        { idempotencyKey: `checkout-${input.idempotencyKey}` },
      ),
    );
    return { provider: 'stripe', sessionId: session.id, checkoutUrl: session.url ?? '' };
  }

  async ticketCheckout(input: {
    customerId: string;
    userId: string;
    event: { id: string; title: string; priceCents: number; currency: string };
    idempotencyKey: string;
  }): Promise<CheckoutSession> {
    const metadata = { userId: input.userId, kind: 'ticket', eventId: input.event.id };
    const session = await this.call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          customer: input.customerId,
          client_reference_id: input.userId,
          metadata,
          payment_intent_data: { metadata },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: input.event.currency.toLowerCase(),
                unit_amount: input.event.priceCents,
                product_data: { name: input.event.title },
              },
            },
          ],
          ...this.paymentMethods(),
          success_url: this.options.successUrl,
          cancel_url: this.options.cancelUrl,
        },
        { idempotencyKey: `ticket-${input.idempotencyKey}` },
      ),
    );
    return { provider: 'stripe', sessionId: session.id, checkoutUrl: session.url ?? '' };
  }

  async fetchSubscription(id: string): Promise<ProviderSubscription> {
    return toProviderSubscription(await this.call(() => this.stripe.subscriptions.retrieve(id)));
  }

  async cancelAtPeriodEnd(id: string, idempotencyKey: string): Promise<ProviderSubscription> {
    const updated = await this.call(() =>
      this.stripe.subscriptions.update(
        id,
        { cancel_at_period_end: true },
        { idempotencyKey: `cancel-${idempotencyKey}` },
      ),
    );
    return toProviderSubscription(updated);
  }

  async cancelNow(id: string, idempotencyKey: string): Promise<ProviderSubscription> {
    const canceled = await this.call(() =>
      this.stripe.subscriptions.cancel(id, {}, { idempotencyKey: `cancel-now-${idempotencyKey}` }),
    );
    return toProviderSubscription(canceled);
  }

  async refund(input: { paymentRef: string; amountCents: number; idempotencyKey: string }) {
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        { payment_intent: input.paymentRef, amount: input.amountCents, reason: 'requested_by_customer' },
        { idempotencyKey: `refund-${input.idempotencyKey}` },
      ),
    );
    return { refundId: refund.id };
  }
}
