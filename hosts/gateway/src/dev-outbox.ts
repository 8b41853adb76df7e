import { devOutbox, isLoopback } from '@diaspora/service-kit';
import type { FastifyInstance } from 'fastify';

/**
 * `GET /dev/outbox`: what the local mail/SMS adapters of in-process services "sent" (verification links, codes),
 * newest first; `?to=` filters by address or number. Only registered when enabled (the all-in-one host), never
 * in a production configuration: it shows secrets meant for their recipients only (reset and verification links),
 * so it answers only a client on this machine, and only while the gateway listens on loopback alone, whatever the X-Forwarded-For says.
 */
export function registerDevOutbox(app: FastifyInstance): void {
  app.get<{ Querystring: { to?: string; channel?: string } }>('/dev/outbox', async (request, reply) => {
    const bound = app.server.address();
    const listensOnLoopback = typeof bound === 'object' && bound !== null && isLoopback(bound.address);
    if (!listensOnLoopback || !isLoopback(request.raw.socket.remoteAddress)) return reply.callNotFound();
    const { to, channel } = request.query;
    const messages = devOutbox.list({
      ...(typeof to === 'string' && to ? { to } : {}),
      ...(channel === 'email' || channel === 'sms' ? { channel } : {}),
    });
    return reply.header('cache-control', 'no-store').send({ messages });
  });
}
