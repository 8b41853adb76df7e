import { type EventEnvelope, SubscriptionActivated, SubscriptionCanceled } from '@diaspora/events';
import { type Database, type EventConsumer, idempotentConsumer } from '@diaspora/service-kit';
import { applySubscription } from '../domain/governance.js';
import type { UnitOfWork } from '../domain/ports.js';

/** The event's own time orders updates of one subscription; a malformed one falls back to the envelope's. */
const eventTime = (at: string, envelope: EventEnvelope) => (Number.isNaN(Date.parse(at)) ? envelope.occurredAt : at);

/** Premium tier from payments: exactly-once per event (processed-id table), latest state per subscription. */
export function paymentConsumers(db: Database, uow: UnitOfWork): EventConsumer[] {
  return [
    idempotentConsumer(db, 'tier-on-subscription-activated', SubscriptionActivated, (tx, data, envelope) =>
      applySubscription(uow.scopeFor(tx), { ...data, at: eventTime(data.at, envelope) }, true),
    ),
    idempotentConsumer(db, 'tier-on-subscription-canceled', SubscriptionCanceled, (tx, data, envelope) =>
      applySubscription(uow.scopeFor(tx), { ...data, at: eventTime(data.at, envelope) }, false),
    ),
  ];
}
