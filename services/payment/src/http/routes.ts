import {
  bearerSecurity,
  callerOf,
  type Database,
  type HttpApp,
  idempotent,
  problemResponses,
} from '@diaspora/service-kit';
import type { Billing } from '../domain/billing.js';
import {
  CheckoutView,
  EventIdParam,
  Invoice,
  InvoiceIdParam,
  InvoicePage,
  idempotencyHeader,
  PageQuery,
  PlanList,
  ProviderQuery,
  SubscribeBody,
  SubscriptionView,
  TransactionPage,
} from './schemas.js';

const tags = ['payments'];
const keyOf = (header: unknown) => (typeof header === 'string' ? header : undefined);

/** The member-facing routes under /api/v1/payments (JWT at the gateway; webhooks are in webhook-routes.ts). */
export async function paymentRoutes(app: HttpApp, deps: { billing: Billing; db: Database }): Promise<void> {
  const { billing } = deps;
  const retrySafe = idempotent(deps.db);
  const guarded = { onRequest: app.authenticate };

  app.get(
    '/api/v1/payments/plans',
    { schema: { tags, summary: 'The premium plans on sale', response: { 200: PlanList } } },
    async () => billing.listPlans(),
  );

  app.post(
    '/api/v1/payments/subscriptions',
    {
      ...guarded,
      ...retrySafe,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Start a premium subscription: a checkout to complete at checkoutUrl',
        description: 'Premium begins when the provider confirms the payment (webhook). Accepts Idempotency-Key.',
        body: SubscribeBody,
        headers: idempotencyHeader,
        response: { 201: CheckoutView, ...problemResponses(400, 401, 409, 422, 502, 503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await billing.subscribe(callerOf(request).sub, {
          ...request.body,
          idempotencyKey: keyOf(request.headers['idempotency-key']),
        }),
      ),
  );

  app.get(
    '/api/v1/payments/subscriptions/me',
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your subscription',
        response: { 200: SubscriptionView, ...problemResponses(401) },
      },
    },
    async (request) => billing.mySubscription(callerOf(request).sub),
  );

  app.post(
    '/api/v1/payments/subscriptions/me/cancel',
    {
      ...guarded,
      ...retrySafe,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Cancel at the end of the paid period (premium stays until then)',
        headers: idempotencyHeader,
        response: { 200: SubscriptionView, ...problemResponses(401, 404, 409, 422, 502, 503) },
      },
    },
    async (request) => billing.cancel(callerOf(request).sub, keyOf(request.headers['idempotency-key'])),
  );

  app.post(
    '/api/v1/payments/checkout/events/:eventId',
    {
      ...guarded,
      ...retrySafe,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Pay the ticket of a premium event (confirms your held seat once paid)',
        params: EventIdParam,
        querystring: ProviderQuery,
        headers: idempotencyHeader,
        response: { 201: CheckoutView, ...problemResponses(400, 401, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await billing.ticketCheckout(callerOf(request).sub, request.params.eventId, {
          provider: request.query.provider,
          idempotencyKey: keyOf(request.headers['idempotency-key']),
        }),
      ),
  );

  app.get(
    '/api/v1/payments/transactions',
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your payments and refunds, newest first',
        querystring: PageQuery,
        response: { 200: TransactionPage, ...problemResponses(400, 401) },
      },
    },
    async (request) =>
      billing.transactions(callerOf(request).sub, { limit: request.query.limit ?? 20, cursor: request.query.cursor }),
  );

  app.get(
    '/api/v1/payments/invoices',
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'Your invoices, newest first',
        querystring: PageQuery,
        response: { 200: InvoicePage, ...problemResponses(400, 401) },
      },
    },
    async (request) =>
      billing.invoices(callerOf(request).sub, { limit: request.query.limit ?? 20, cursor: request.query.cursor }),
  );

  app.get(
    '/api/v1/payments/invoices/:id',
    {
      ...guarded,
      schema: {
        tags,
        security: bearerSecurity,
        summary: 'One of your invoices',
        params: InvoiceIdParam,
        response: { 200: Invoice, ...problemResponses(401, 404) },
      },
    },
    async (request) => billing.invoice(callerOf(request).sub, request.params.id),
  );
}
