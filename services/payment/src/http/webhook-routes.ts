import { type HttpApp, Problem, problemResponses } from '@diaspora/service-kit';
import type { WebhookEvent } from '../domain/ports.js';
import type { WebhookOutcome } from '../domain/webhooks.js';
import { WebhookAnswer } from './schemas.js';

export interface WebhookEndpoint {
  /** Verifies the raw body and its signature header; throws a 400 Problem when they do not hold. */
  verify(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<WebhookEvent>;
  receive(event: WebhookEvent): Promise<WebhookOutcome>;
}

/**
 * Provider webhooks, public (no JWT: the signature is the authentication). The body must reach the verifier
 * byte for byte, so these routes live in their own plugin whose only content-type parser keeps the raw buffer.
 */
export async function webhookRoutes(app: HttpApp, endpoints: { stripe: WebhookEndpoint; paypal?: WebhookEndpoint }) {
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    for (const [name, endpoint] of Object.entries(endpoints)) {
      if (!endpoint) continue;
      raw.post(
        `/api/v1/payments/webhooks/${name}`,
        {
          schema: {
            tags: ['webhooks'],
            summary: `${name} webhook (signature-verified; each event id applied once)`,
            response: { 200: WebhookAnswer, ...problemResponses(400, 503) },
          },
        },
        async (request) => {
          const body = request.body;
          if (!Buffer.isBuffer(body))
            throw new Problem(400, { detail: 'A webhook body is required.', type: 'invalid-signature' });
          const event = await endpoint.verify(body, request.headers);
          return { received: true, outcome: await endpoint.receive(event) };
        },
      );
    }
  });
}
