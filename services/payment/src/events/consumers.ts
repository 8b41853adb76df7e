import { EventCanceled } from '@diaspora/events';
import { consumer, type EventConsumer, type Logger } from '@diaspora/service-kit';
import type { PaymentProvider, ProviderName, UnitOfWork } from '../domain/ports.js';
import { refundEventTickets } from '../domain/refunds.js';

/**
 * Events of other services this one listens to. Refunds call the provider, so they cannot live inside one
 * transaction with the dedup row: each ticket's refund is idempotent on its own (provider idempotency key, one
 * refund row per payment), which makes the whole handler safe to redeliver.
 */
export function paymentConsumers(deps: {
  uow: UnitOfWork;
  providers: Map<ProviderName, PaymentProvider>;
  logger: Logger;
}): EventConsumer[] {
  return [
    consumer('refund-canceled-event', EventCanceled, async (data) => {
      if (data.type !== 'premium') return;
      await refundEventTickets(deps.uow, deps, data.eventId);
    }),
  ];
}
