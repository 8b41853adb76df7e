import { eventV1 } from '@diaspora/proto';
import { type HttpApp, newId, Problem } from '@diaspora/service-kit';
import { fakeService, issueTestToken, startFakeGrpcServer, startTestService } from '@diaspora/testing';
import Stripe from 'stripe';
import { paymentService } from '../src/app.js';

export type PaymentTestService = Awaited<ReturnType<typeof startTestService<typeof paymentService.config>>>;
const WEBHOOK_SECRET = 'whsec_test_0123456789abcdefghijklmnop';

/** A real gRPC EventService answering GetEvent from memory (what ticket checkouts ask). */
async function startFakeEventService(events: eventV1.Event[] = []) {
  const byId = new Map(events.map((event) => [event.id, event]));
  /** `${eventId} ${userId}` → the viewer's live registration status. */
  const registrations = new Map<string, string>();
  const server = await startFakeGrpcServer('event', [
    fakeService(eventV1.EventService, {
      async getEvent(request) {
        const event = byId.get(request.eventId);
        if (!event) throw new Problem(404, { detail: 'event not found' });
        const status = registrations.get(`${request.eventId} ${request.viewerId}`);
        return { event, ...(status ? { viewerRegistrationStatus: status } : {}) };
      },
    }),
  ]);
  return { ...server, events: byId, registrations };
}

export interface Harness {
  service: PaymentTestService;
  app: HttpApp;
  events: Map<string, eventV1.Event>;
  /** The fake event service's registrations: `${eventId} ${userId}` → status. */
  registrations: Map<string, string>;
  close(): Promise<void>;
}

/** The payment service (local provider unless env says otherwise) on a fresh database, with a fake event service. */
export async function startPayments(options: { env?: Record<string, string>; events?: eventV1.Event[] } = {}) {
  const events = await startFakeEventService(options.events);
  const service = await startTestService(paymentService, {
    env: {
      EVENT_GRPC_ADDR: events.address,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BILLING_CHORE_MS: '3600000',
      GRPC_DEADLINE_MS: '1000',
      ...options.env,
    },
  });
  const harness: Harness = {
    service,
    app: service.app,
    events: events.events,
    registrations: events.registrations,
    close: async () => {
      await service.close();
      await events.stop();
    },
  };
  return harness;
}

export function premiumEvent(overrides: Partial<eventV1.Event> = {}): eventV1.Event {
  return {
    id: newId('evt'),
    title: 'Gala dinner',
    description: '',
    domain: 'culture',
    type: 'premium',
    status: 'published',
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    endsAt: new Date(Date.now() + 90_000_000).toISOString(),
    timezone: 'Europe/Paris',
    capacity: 10,
    registeredCount: 1,
    waitlistCount: 0,
    languages: ['fr'],
    organizerId: newId('usr'),
    priceCents: 2500,
    currency: 'EUR',
    ...overrides,
  };
}

export interface Member {
  id: string;
  headers: { authorization: string };
}

export function member(id = newId('usr')): Member {
  return { id, headers: { authorization: `Bearer ${issueTestToken({ sub: id, roles: ['regular'] })}` } };
}

/** What `app.inject` answers (named here: the service does not depend on fastify's own types). */
export type InjectedResponse = Awaited<ReturnType<HttpApp['inject']>>;

/** A Stripe event delivered as Stripe does: JSON body signed with the SDK's test header (now, or `timestamp`). */
export async function deliver(
  app: HttpApp,
  event: { id?: string; type: string; object: Record<string, unknown>; created?: number },
  options: { secret?: string; timestamp?: number; signature?: string } = {},
): Promise<InjectedResponse> {
  const payload = JSON.stringify({
    id: event.id ?? `evt_${newId('tst').slice(4)}`,
    object: 'event',
    type: event.type,
    created: event.created ?? Math.floor(Date.now() / 1000),
    data: { object: event.object },
  });
  const header =
    options.signature ??
    Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? WEBHOOK_SECRET,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    });
  return app.inject({
    method: 'POST',
    url: '/api/v1/payments/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    payload,
  });
}

/** What the service published (its outbox), oldest first. */
export async function published(service: PaymentTestService, subject?: string) {
  const { rows } = await service.context.db.query<{ subject: string; data: Record<string, unknown> }>(
    `SELECT subject, envelope->'data' AS data FROM outbox ${subject ? 'WHERE subject = $1' : ''} ORDER BY seq`,
    subject ? [subject] : [],
  );
  return rows;
}

/** Puts a Stripe-shaped object where the local provider keeps its state (what a re-fetch answers). */
export async function providerHas(service: PaymentTestService, object: Record<string, unknown>) {
  await service.context.db.query(
    `INSERT INTO local_provider_objects (id, kind, data) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
    [object.id, object.object, JSON.stringify(object)],
  );
}

export function stripeSubscription(fields: {
  id: string;
  userId: string;
  status: string;
  customer?: string;
  plan?: string;
  periodEnd?: number;
  cancelAtPeriodEnd?: boolean;
}) {
  return {
    id: fields.id,
    object: 'subscription',
    customer: fields.customer ?? `cus_${fields.userId}`,
    status: fields.status,
    metadata: { userId: fields.userId, plan: fields.plan ?? 'premium-monthly-eur' },
    cancel_at_period_end: fields.cancelAtPeriodEnd ?? false,
    items: { data: [{ current_period_end: fields.periodEnd ?? Math.floor(Date.now() / 1000) + 30 * 86_400 }] },
  };
}
