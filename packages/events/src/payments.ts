import { Type } from 'typebox';
import { defineEvent } from './define.js';

const SubscriptionFields = {
  subscriptionId: Type.String(),
  userId: Type.String(),
  plan: Type.String(),
  provider: Type.Enum(['stripe', 'paypal']),
  currentPeriodEnd: Type.Optional(Type.String({ format: 'date-time' })),
  /** The plan's price per period, in minor units, for revenue analytics (added in place: optional). */
  amountCents: Type.Optional(Type.Integer({ minimum: 0 })),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  at: Type.String(),
};

export const SubscriptionActivated = defineEvent({
  subject: 'payments.subscription.activated',
  version: 1,
  description: 'A premium subscription became active (paid): the member is premium until canceled.',
  schema: Type.Object(SubscriptionFields),
});

export const SubscriptionCanceled = defineEvent({
  subject: 'payments.subscription.canceled',
  version: 1,
  description: 'A premium subscription ended: the member is back on the free tier.',
  schema: Type.Object(SubscriptionFields),
});

export const TicketPaid = defineEvent({
  subject: 'payments.ticket.paid',
  version: 1,
  description: 'A ticket for a premium event was paid; the event service confirms the registration.',
  schema: Type.Object({
    paymentId: Type.String(),
    eventId: Type.String(),
    userId: Type.String(),
    amountCents: Type.Integer({ minimum: 0 }),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    at: Type.String(),
  }),
});

export const TransactionRecorded = defineEvent({
  subject: 'payments.transaction.recorded',
  version: 1,
  description:
    'Money moved: a subscription invoice or a ticket was paid, or a refund was issued (admin revenue analytics). ' +
    'userId is absent once the member was erased (the ledger row is kept, pseudonymized).',
  schema: Type.Object({
    transactionId: Type.String(),
    userId: Type.Optional(Type.String()),
    kind: Type.Enum(['subscription', 'ticket', 'refund']),
    amountCents: Type.Integer({ minimum: 0 }),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    provider: Type.Enum(['stripe', 'paypal']),
    eventId: Type.Optional(Type.String()),
    at: Type.String(),
  }),
});
