import { Problem } from '@diaspora/service-kit';
import type { WebhookEvent } from '../domain/ports.js';
import { InvalidSignature, verifyStripeWebhook } from './stripe-events.js';

/** Stripe-Signature checked on the raw body; anything that does not verify is a 400 and is never recorded. */
export function stripeWebhookVerifier(secret: string) {
  return async (rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<WebhookEvent> => {
    const header = headers['stripe-signature'];
    try {
      return verifyStripeWebhook(rawBody, typeof header === 'string' ? header : undefined, secret);
    } catch (error) {
      if (error instanceof InvalidSignature)
        throw new Problem(400, {
          type: 'invalid-signature',
          detail: 'The webhook signature is missing, invalid or stale.',
        });
      throw error;
    }
  };
}
