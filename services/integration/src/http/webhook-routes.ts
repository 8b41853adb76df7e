import {
  bearerSecurity,
  type CursorCodec,
  callerOf,
  type HttpApp,
  positions,
  problemResponses,
} from '@diaspora/service-kit';
import { Type } from 'typebox';
import { deliveryView, type Webhooks } from '../domain/webhooks.js';
import {
  CreatedSubscription,
  DeliveryPage,
  DeliveryParams,
  DeliveryQuery,
  DeliveryView,
  SubscriptionList,
  SubscriptionView,
  WebhookBody,
  WebhookIdParam,
} from './schemas.js';

const tags = ['webhooks'];
const BASE = '/api/v1/integrations/webhooks';

/** Outbound webhook subscriptions: super users only (they wire the platform to CRMs, ERPs and databases). */
export async function webhookRoutes(app: HttpApp, deps: { webhooks: Webhooks; cursors: CursorCodec }) {
  const { webhooks, cursors } = deps;
  const superOnly = app.requireRole('super');

  app.post(
    BASE,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Subscribe a URL to event subjects (Standard Webhooks)',
        description:
          'The answer carries the signing secret once. Targets on link-local/metadata addresses are refused (400), ' +
          'private and loopback ones unless the deployment allows them.',
        body: WebhookBody,
        response: { 201: CreatedSubscription, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => reply.code(201).send(await webhooks.subscribe(callerOf(request).sub, request.body)),
  );

  app.get(
    BASE,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'The webhook subscriptions',
        response: { 200: SubscriptionList, ...problemResponses(401, 403) },
      },
    },
    async () => webhooks.list(),
  );

  app.delete(
    `${BASE}/:id`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Remove a subscription and its delivery log',
        params: WebhookIdParam,
        response: { 204: Type.Null({ description: 'Removed' }), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${BASE}/:id/enable`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Turn a disabled subscription back on (after fixing the receiver)',
        params: WebhookIdParam,
        response: { 200: SubscriptionView, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => webhooks.enable(request.params.id),
  );

  app.get(
    `${BASE}/:id/deliveries`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'The delivery log, newest first, with every attempt',
        params: WebhookIdParam,
        querystring: DeliveryQuery,
        response: { 200: DeliveryPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const binding = `webhook-deliveries:${request.params.id}`;
      const position = cursors.decodeOptional(request.query.cursor, binding, positions.dateAndId);
      const after = position ? { at: new Date(position[0]), id: position[1] } : undefined;
      const page = await webhooks.deliveries(request.params.id, request.query.limit ?? 20, after);
      return {
        items: page.items.map(deliveryView),
        ...(page.next ? { nextCursor: cursors.encode(binding, [page.next.at.toISOString(), page.next.id]) } : {}),
      };
    },
  );

  app.post(
    `${BASE}/:id/deliveries/:deliveryId/replay`,
    {
      onRequest: superOnly,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Send a delivery again now (new timestamp and signature, same body and webhook-id)',
        params: DeliveryParams,
        response: { 202: DeliveryView, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(202).send(await webhooks.replay(request.params.id, request.params.deliveryId)),
  );
}
