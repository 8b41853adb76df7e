import { Problem, problems } from '@diaspora/service-kit';
import type { BillingFact, WebhookEvent } from '../domain/ports.js';
import { fromPayPalValue, type PayPalProvider, paypalApiBase } from './paypal-provider.js';
import { providerProblem } from './provider-errors.js';

// biome-ignore lint/suspicious/noExplicitAny: PayPal webhook JSON is read field by field
type Json = Record<string, any>;

const invalid = (detail = 'The webhook signature is missing or invalid.') =>
  new Problem(400, { type: 'invalid-signature', detail });

const SIGNATURE_HEADERS = {
  auth_algo: 'paypal-auth-algo',
  cert_url: 'paypal-cert-url',
  transmission_id: 'paypal-transmission-id',
  transmission_sig: 'paypal-transmission-sig',
  transmission_time: 'paypal-transmission-time',
} as const;

/** "userId:eventId", as ticket orders set custom_id. */
const ticketOwner = (customId: unknown) => {
  const [userId, eventId] = String(customId ?? '').split(':');
  return { userId: userId || null, eventId: eventId || null };
};

function captureFact(capture: Json, customId: unknown, orderId: string): BillingFact {
  const { userId, eventId } = ticketOwner(customId);
  const currency = String(capture.amount?.currency_code ?? capture.amount?.currencyCode ?? '').toUpperCase();
  return {
    kind: 'checkout-completed',
    sessionId: orderId,
    customerId: userId ? `paypal:${userId}` : null,
    userId,
    purpose: eventId ? 'ticket' : 'unknown',
    subscriptionId: null,
    eventId,
    paymentRef: String(capture.id),
    paid: capture.status === 'COMPLETED',
    amountCents: fromPayPalValue(String(capture.amount?.value ?? '0'), currency),
    currency,
  };
}

/**
 * PayPal webhooks, verified the way PayPal documents: the transmission headers and the event go to
 * POST /v1/notifications/verify-webhook-signature with the webhook's id, and only `SUCCESS` is accepted. An
 * approved ticket order is captured here (idempotent by the order id) so the payment is what gets recorded.
 */
export class PayPalWebhookEndpoint {
  private token: { accessToken: string } | undefined;

  constructor(
    private readonly provider: PayPalProvider,
    private readonly options: { webhookId: string; environment: string; timeoutMs: number },
  ) {}

  private async accessToken(): Promise<string> {
    try {
      const manager = this.provider.client.clientCredentialsAuthManager;
      this.token = await manager.updateToken(this.token as Parameters<typeof manager.updateToken>[0]);
      return this.token.accessToken;
    } catch (error) {
      throw providerProblem(error, 'paypal');
    }
  }

  async verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<WebhookEvent> {
    let event: Json;
    try {
      event = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw invalid('The webhook body is not JSON.');
    }
    const signature: Record<string, string> = {};
    for (const [field, header] of Object.entries(SIGNATURE_HEADERS)) {
      const value = headers[header];
      if (typeof value !== 'string' || !value) throw invalid();
      signature[field] = value;
    }
    if (typeof event.id !== 'string' || typeof event.event_type !== 'string' || !event.resource) throw invalid();
    let answer: Response;
    try {
      answer = await fetch(`${paypalApiBase(this.options.environment)}/v1/notifications/verify-webhook-signature`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await this.accessToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...signature, webhook_id: this.options.webhookId, webhook_event: event }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      if (error instanceof Problem) throw error;
      throw problems.unavailable('PayPal cannot be reached to verify the webhook; retry shortly.');
    }
    if (answer.status >= 500) throw problems.unavailable('PayPal cannot verify the webhook now; retry shortly.');
    const verdict = answer.ok ? ((await answer.json()) as Json) : {};
    if (verdict.verification_status !== 'SUCCESS') throw invalid();
    return { provider: 'paypal', id: event.id, type: event.event_type, fact: await this.factOf(event), payload: event };
  }

  private async factOf(event: Json): Promise<BillingFact> {
    const resource: Json = event.resource;
    switch (event.event_type) {
      case 'BILLING.SUBSCRIPTION.ACTIVATED':
      case 'BILLING.SUBSCRIPTION.UPDATED':
      case 'BILLING.SUBSCRIPTION.RE-ACTIVATED':
      case 'BILLING.SUBSCRIPTION.SUSPENDED':
      case 'BILLING.SUBSCRIPTION.CANCELLED':
      case 'BILLING.SUBSCRIPTION.EXPIRED':
      case 'BILLING.SUBSCRIPTION.PAYMENT.FAILED':
        return {
          kind: 'subscription-changed',
          subscriptionId: String(resource.id),
          customerId: resource.custom_id ? `paypal:${resource.custom_id}` : null,
        };
      case 'PAYMENT.SALE.COMPLETED': {
        if (!resource.billing_agreement_id) return { kind: 'ignored' };
        const currency = String(resource.amount?.currency ?? '').toUpperCase();
        return {
          kind: 'invoice-paid',
          invoiceId: String(resource.id),
          subscriptionId: String(resource.billing_agreement_id),
          customerId: resource.custom ? `paypal:${resource.custom}` : null,
          amountCents: fromPayPalValue(String(resource.amount?.total ?? '0'), currency),
          currency,
          url: null,
        };
      }
      case 'CHECKOUT.ORDER.APPROVED': {
        const order = await this.provider.captureOrder(String(resource.id));
        const unit = order.purchaseUnits?.[0];
        const capture = unit?.payments?.captures?.[0];
        if (!capture) return { kind: 'ignored' };
        return captureFact(capture as Json, unit?.customId, String(resource.id));
      }
      case 'PAYMENT.CAPTURE.COMPLETED':
        return captureFact(
          resource,
          resource.custom_id,
          String(resource.supplementary_data?.related_ids?.order_id ?? resource.id),
        );
      default:
        return { kind: 'ignored' };
    }
  }
}
