import type { Logger } from '@diaspora/service-kit';
import { recordRefund } from './payments.js';
import type { PaymentProvider, ProviderName, UnitOfWork } from './ports.js';

/**
 * A canceled premium event refunds every paid ticket in full. The provider call comes first, keyed by the
 * payment's id (a retry returns the same refund), then the refund row commits; a failure leaves the ticket
 * unrefunded, so the redelivered event picks it up again.
 */
export async function refundEventTickets(
  uow: UnitOfWork,
  deps: { providers: Map<ProviderName, PaymentProvider>; logger: Logger; now?: () => Date },
  eventId: string,
): Promise<number> {
  const tickets = await uow.read.ledger.unrefundedTickets(eventId);
  let refunded = 0;
  for (const payment of tickets) {
    const provider = deps.providers.get(payment.provider);
    if (!provider) {
      deps.logger.error({ paymentId: payment.id, provider: payment.provider }, 'no provider to refund this ticket');
      continue;
    }
    const { refundId } = await provider.refund({
      paymentRef: payment.providerRef,
      amountCents: payment.amountCents,
      idempotencyKey: payment.id,
    });
    const row = await uow.run((scope) => recordRefund(scope, { payment, refundId, now: deps.now?.() ?? new Date() }));
    if (row) refunded += 1;
  }
  if (refunded) deps.logger.info({ eventId, refunded }, 'tickets of a canceled event refunded');
  return refunded;
}
