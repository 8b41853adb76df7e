import https from 'node:https';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { problems } from '@diaspora/service-kit';
import {
  CheckoutPaymentIntent,
  Client,
  Environment,
  OrdersController,
  PaymentsController,
  SubscriptionsController,
} from '@paypal/paypal-server-sdk';
import type {
  CheckoutSession,
  PaymentProvider,
  Plan,
  ProviderSubscription,
  SubscriptionStatus,
} from '../domain/ports.js';
import { providerProblem } from './provider-errors.js';

export interface PayPalOptions {
  clientId: string;
  clientSecret: string;
  /** sandbox | live, or the base URL of a PayPal-compatible server (tests). */
  environment: string;
  timeoutMs: number;
  successUrl: string;
  cancelUrl: string;
  plans: Map<string, Plan>;
}

// Currencies without minor units at PayPal (amounts are whole units there and here).
const ZERO_DECIMAL = new Set(['JPY', 'HUF', 'TWD', 'KRW', 'XOF', 'XAF', 'CLP', 'VND']);
const toPayPalValue = (cents: number, currency: string) =>
  ZERO_DECIMAL.has(currency) ? String(cents) : (cents / 100).toFixed(2);
export const fromPayPalValue = (value: string, currency: string) =>
  ZERO_DECIMAL.has(currency.toUpperCase()) ? Math.round(Number(value)) : Math.round(Number(value) * 100);

function paypalStatus(status: string | undefined): SubscriptionStatus {
  switch (status) {
    case 'ACTIVE':
      return 'active';
    // Suspended: PayPal stopped billing after failed payments (or the merchant paused it): the grace applies.
    case 'SUSPENDED':
      return 'past_due';
    case 'CANCELLED':
    case 'EXPIRED':
      return 'canceled';
    default:
      return 'incomplete';
  }
}

/** The PayPal REST API base for direct calls the SDK does not wrap (webhook signature verification). */
export function paypalApiBase(environment: string): string {
  if (environment === 'live') return 'https://api-m.paypal.com';
  if (environment === 'sandbox') return 'https://api-m.sandbox.paypal.com';
  return environment.replace(/\/$/, '');
}

/**
 * Sends the SDK's requests (addressed to PayPal's hosts) to another server: plain TCP to an http:// base, TLS to an
 * https:// one. The SDK knows only PayPal's two environments; this agent is how it reaches a PayPal-compatible
 * server (the tests' fake) without changing the paths it calls.
 */
class PinnedAgent extends https.Agent {
  constructor(private readonly target: URL) {
    super({ keepAlive: true });
  }

  override createConnection(): Socket {
    const secure = this.target.protocol === 'https:';
    const port = Number(this.target.port || (secure ? 443 : 80));
    const host = this.target.hostname;
    return secure ? tls.connect({ host, port, servername: host }) : net.connect(port, host);
  }
}

/** The official SDK on the chosen environment (sandbox, live, or a base URL). */
function paypalClient(options: Pick<PayPalOptions, 'clientId' | 'clientSecret' | 'environment' | 'timeoutMs'>) {
  const custom = /^https?:\/\//.test(options.environment) ? new URL(options.environment) : undefined;
  return new Client({
    clientCredentialsAuthCredentials: { oAuthClientId: options.clientId, oAuthClientSecret: options.clientSecret },
    environment: options.environment === 'live' ? Environment.Production : Environment.Sandbox,
    timeout: options.timeoutMs,
    ...(custom ? { httpClientOptions: { httpsAgent: new PinnedAgent(custom) } } : {}),
  });
}

/**
 * PayPal behind the provider port: subscriptions on PayPal billing plans (`paypalPlanId` per plan) and orders for
 * tickets, the member in `custom_id`, a PayPal-Request-Id (idempotency) on every write. PayPal has no customer
 * object: the member is the "customer" (`paypal:<userId>`).
 */
export class PayPalProvider implements PaymentProvider {
  readonly name = 'paypal' as const;
  readonly client: Client;
  private readonly subscriptions: SubscriptionsController;
  private readonly orders: OrdersController;
  private readonly payments: PaymentsController;

  constructor(private readonly options: PayPalOptions) {
    this.client = paypalClient(options);
    this.subscriptions = new SubscriptionsController(this.client);
    this.orders = new OrdersController(this.client);
    this.payments = new PaymentsController(this.client);
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw providerProblem(error, 'paypal');
    }
  }

  async createCustomer(input: { userId: string }) {
    return `paypal:${input.userId}`;
  }

  private approveLink(links: { rel?: string; href?: string }[] | undefined): string {
    const link = links?.find((l) => l.rel === 'approve' || l.rel === 'payer-action');
    if (!link?.href) throw providerProblem(Object.assign(new Error('no approval link'), { statusCode: 502 }), 'paypal');
    return link.href;
  }

  async subscriptionCheckout(input: { userId: string; plan: Plan; idempotencyKey: string }): Promise<CheckoutSession> {
    if (!input.plan.paypalPlanId)
      throw problems.badRequest(`The plan ${input.plan.id} cannot be paid with PayPal.`, 'provider-unavailable');
    const planId = input.plan.paypalPlanId;
    const { result } = await this.call(() =>
      this.subscriptions.createSubscription({
        paypalRequestId: `subscription-${input.idempotencyKey}`,
        prefer: 'return=representation',
        body: {
          planId,
          customId: input.userId,
          applicationContext: { returnUrl: this.options.successUrl, cancelUrl: this.options.cancelUrl },
        },
      }),
    );
    return { provider: 'paypal', sessionId: String(result.id), checkoutUrl: this.approveLink(result.links) };
  }

  async ticketCheckout(input: {
    userId: string;
    event: { id: string; title: string; priceCents: number; currency: string };
    idempotencyKey: string;
  }): Promise<CheckoutSession> {
    const { event } = input;
    const { result } = await this.call(() =>
      this.orders.createOrder({
        paypalRequestId: `ticket-${input.idempotencyKey}`,
        prefer: 'return=representation',
        body: {
          intent: CheckoutPaymentIntent.Capture,
          purchaseUnits: [
            {
              referenceId: event.id,
              customId: `${input.userId}:${event.id}`,
              description: event.title.slice(0, 127),
              amount: { currencyCode: event.currency, value: toPayPalValue(event.priceCents, event.currency) },
            },
          ],
          paymentSource: {
            paypal: { experienceContext: { returnUrl: this.options.successUrl, cancelUrl: this.options.cancelUrl } },
          },
        },
      }),
    );
    return { provider: 'paypal', sessionId: String(result.id), checkoutUrl: this.approveLink(result.links) };
  }

  /** Captures an approved order (PayPal-Request-Id = the order: a repeated capture is the same capture). */
  async captureOrder(orderId: string) {
    const { result } = await this.call(() =>
      this.orders.captureOrder({ id: orderId, paypalRequestId: `capture-${orderId}` }),
    );
    return result;
  }

  async fetchSubscription(id: string): Promise<ProviderSubscription> {
    const { result } = await this.call(() => this.subscriptions.getSubscription({ id }));
    const plan = [...this.options.plans.values()].find((p) => p.paypalPlanId === result.planId);
    const next = result.billingInfo?.nextBillingTime;
    return {
      id: String(result.id ?? id),
      customerId: result.customId ? `paypal:${result.customId}` : null,
      userId: result.customId ?? null,
      plan: plan?.id ?? null,
      status: paypalStatus(result.status),
      currentPeriodEnd: next ? new Date(next) : null,
      cancelAtPeriodEnd: false,
    };
  }

  /**
   * PayPal cancels at once (no further billing); the member keeps premium until the paid period ends, which
   * the domain enforces (a canceled subscription flagged cancel-at-period-end is revoked at currentPeriodEnd).
   */
  async cancelAtPeriodEnd(id: string): Promise<ProviderSubscription> {
    const before = await this.fetchSubscription(id);
    await this.call(() => this.subscriptions.cancelSubscription({ id, body: { reason: 'Canceled by the member' } }));
    return { ...before, cancelAtPeriodEnd: true };
  }

  async cancelNow(id: string): Promise<ProviderSubscription> {
    const before = await this.fetchSubscription(id);
    if (before.status !== 'canceled')
      await this.call(() => this.subscriptions.cancelSubscription({ id, body: { reason: 'Account deleted' } }));
    return { ...before, status: 'canceled', cancelAtPeriodEnd: false };
  }

  async refund(input: { paymentRef: string; amountCents: number; idempotencyKey: string }) {
    const { result } = await this.call(() =>
      this.payments.refundCapturedPayment({
        captureId: input.paymentRef,
        paypalRequestId: `refund-${input.idempotencyKey}`,
        prefer: 'return=representation',
      }),
    );
    return { refundId: String(result.id) };
  }
}
