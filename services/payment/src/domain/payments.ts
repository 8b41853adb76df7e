import { TicketPaid, TransactionRecorded } from '@diaspora/events';
import { newId } from '@diaspora/service-kit';
import type { ProviderName, Scope, TransactionRecord } from './ports.js';

/**
 * One paid amount into the ledger, with its invoice and the revenue event, in the caller's transaction.
 * The provider's reference (invoice, payment intent, refund id) is unique: a second delivery records nothing.
 */
export async function recordPayment(
  scope: Scope,
  input: {
    provider: ProviderName;
    providerRef: string;
    userId: string;
    kind: 'subscription' | 'ticket';
    amountCents: number;
    currency: string;
    subscriptionId?: string | null;
    eventId?: string | null;
    invoiceUrl?: string | null;
    now: Date;
  },
): Promise<TransactionRecord | null> {
  const transaction = await scope.ledger.append({
    id: newId('pay'),
    userId: input.userId,
    kind: input.kind,
    amountCents: input.amountCents,
    currency: input.currency,
    status: 'succeeded',
    provider: input.provider,
    providerRef: input.providerRef,
    subscriptionId: input.subscriptionId ?? null,
    eventId: input.eventId ?? null,
    refundOf: null,
  });
  if (!transaction) return null;
  await scope.invoices.issue({
    id: newId('inv'),
    userId: input.userId,
    transactionId: transaction.id,
    amountCents: input.amountCents,
    currency: input.currency,
    status: 'paid',
    url: input.invoiceUrl ?? null,
    createdAt: input.now,
  });
  await publishTransaction(scope, transaction, input.now);
  if (input.kind === 'ticket' && input.eventId)
    await scope.publish(TicketPaid, {
      paymentId: transaction.id,
      eventId: input.eventId,
      userId: input.userId,
      amountCents: input.amountCents,
      currency: input.currency,
      at: input.now.toISOString(),
    });
  return transaction;
}

async function publishTransaction(scope: Scope, transaction: TransactionRecord, now: Date): Promise<void> {
  await scope.publish(TransactionRecorded, {
    transactionId: transaction.id,
    ...(transaction.userId.startsWith('usr_') ? { userId: transaction.userId } : {}),
    kind: transaction.kind,
    amountCents: transaction.amountCents,
    currency: transaction.currency,
    provider: transaction.provider,
    ...(transaction.eventId ? { eventId: transaction.eventId } : {}),
    at: now.toISOString(),
  });
}

/** A refund of one ticket: its ledger row (kind refund, linked to the payment) and the invoice marked refunded. */
export async function recordRefund(
  scope: Scope,
  input: { payment: TransactionRecord; refundId: string; now: Date },
): Promise<TransactionRecord | null> {
  const { payment } = input;
  const refund = await scope.ledger.append({
    id: newId('pay'),
    userId: payment.userId,
    kind: 'refund',
    amountCents: payment.amountCents,
    currency: payment.currency,
    status: 'succeeded',
    provider: payment.provider,
    providerRef: input.refundId,
    subscriptionId: null,
    eventId: payment.eventId,
    refundOf: payment.id,
  });
  if (!refund) return null;
  await scope.invoices.markRefunded(payment.id);
  await publishTransaction(scope, refund, input.now);
  return refund;
}
