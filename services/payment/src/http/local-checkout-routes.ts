import { type HttpApp, Problem } from '@diaspora/service-kit';
import { SessionIdParam } from './schemas.js';

export interface LocalCheckout {
  session(
    sessionId: string,
  ): Promise<{ description?: string; amount_total?: number; currency?: string; status?: string } | null>;
  complete(sessionId: string): Promise<{ successUrl: string }>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The local provider's checkout page (all-in-one, no Stripe keys): the member confirms and the local provider
 * completes the session as Stripe would. Public like Stripe's hosted page: the session id is the secret.
 */
export async function localCheckoutRoutes(app: HttpApp, checkout: LocalCheckout) {
  await app.register(async (plugin) => {
    const page = plugin as HttpApp;
    // The page's form posts url-encoded with no fields; nothing in it is read.
    page.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, _b, done) =>
      done(null, {}),
    );

    page.get(
      '/api/v1/payments/local-checkout/:sessionId',
      {
        schema: {
          tags: ['local-checkout'],
          summary: 'Local checkout page (local provider only)',
          params: SessionIdParam,
        },
      },
      async (request, reply) => {
        const session = await checkout.session(request.params.sessionId);
        // Errors are problems here too, like everywhere else on the platform (the page itself is HTML).
        if (!session) throw new Problem(404, { detail: 'Unknown checkout session.' });
        const amount = `${((session.amount_total ?? 0) / 100).toFixed(2)} ${(session.currency ?? '').toUpperCase()}`;
        const done = session.status === 'complete';
        return reply
          .type('text/html; charset=utf-8')
          .send(
            `<!doctype html><html><head><meta charset="utf-8"><title>Local checkout</title></head><body>` +
              `<h1>${escapeHtml(session.description ?? 'Payment')}</h1><p>${escapeHtml(amount)} — local test payment, no money moves.</p>` +
              (done
                ? '<p>Paid.</p>'
                : `<form method="post" action="${escapeHtml(request.params.sessionId)}/complete"><button>Pay</button></form>`) +
              '</body></html>',
          );
      },
    );

    page.post(
      '/api/v1/payments/local-checkout/:sessionId/complete',
      {
        schema: {
          tags: ['local-checkout'],
          summary: 'Complete a local checkout (what paying on Stripe does)',
          params: SessionIdParam,
        },
      },
      async (request, reply) => {
        const { successUrl } = await checkout.complete(request.params.sessionId);
        if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
          return reply.code(303).header('location', successUrl).send();
        return reply.send({ status: 'complete', successUrl });
      },
    );
  });
}
