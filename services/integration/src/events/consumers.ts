import type { EventConsumer } from '@diaspora/service-kit';
import { declaredEvents } from '../domain/subjects.js';
import type { Webhooks } from '../domain/webhooks.js';

/**
 * Events of other services this one listens to. Webhooks: one durable consumer per declared subject (the kit's
 * consumers are per event definition, which also checks each payload against its schema before it leaves the
 * platform); each turns the event into deliveries, idempotently (one per subscription and event id).
 */
export function integrationConsumers(deps: { webhooks: Webhooks; extra?: EventConsumer[] }): EventConsumer[] {
  const webhookConsumers: EventConsumer[] = declaredEvents.map((event) => ({
    name: `webhooks-${event.subject.replaceAll('.', '-')}`,
    event,
    handle: async (envelope) => void (await deps.webhooks.fanOut(envelope)),
  }));
  return [...webhookConsumers, ...(deps.extra ?? [])];
}
