import { IsoDateTimeSchema, PageQuerySchema } from '@diaspora/service-kit';
import { Type } from 'typebox';

const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO-4217, upper case' });
const Cents = Type.Integer({ minimum: 0, description: 'minor units (cents)' });

export const PlanList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      interval: Type.Enum(['month', 'year']),
      priceCents: Cents,
      currency: Currency,
    }),
  ),
});

export const SubscribeBody = Type.Object(
  {
    plan: Type.String({ minLength: 1, maxLength: 64 }),
    provider: Type.Enum(['stripe', 'paypal'], { default: 'stripe' }),
  },
  { additionalProperties: false },
);

export const ProviderQuery = Type.Object({
  provider: Type.Optional(Type.Enum(['stripe', 'paypal'], { description: 'default stripe' })),
});

export const CheckoutView = Type.Object({
  provider: Type.Enum(['stripe', 'paypal']),
  sessionId: Type.String(),
  checkoutUrl: Type.String(),
});

export const SubscriptionView = Type.Object({
  status: Type.Enum(['active', 'past_due', 'canceled', 'none']),
  plan: Type.Optional(Type.String()),
  provider: Type.Optional(Type.Enum(['stripe', 'paypal'])),
  currentPeriodEnd: Type.Optional(IsoDateTimeSchema),
  cancelAtPeriodEnd: Type.Boolean(),
});

export const EventIdParam = Type.Object({ eventId: Type.String({ pattern: '^evt_[0-9a-z]{26}$' }) });
export const InvoiceIdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const SessionIdParam = Type.Object({ sessionId: Type.String({ pattern: '^cs_local_[0-9a-f]{32}$' }) });

const Transaction = Type.Object({
  id: Type.String(),
  kind: Type.Enum(['subscription', 'ticket', 'refund']),
  amountCents: Cents,
  currency: Currency,
  status: Type.Enum(['succeeded', 'refunded']),
  eventId: Type.Optional(Type.String()),
  refundOf: Type.Optional(Type.String()),
  createdAt: IsoDateTimeSchema,
});

export const Invoice = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'YYYY-NNNNNN, gap-free within the year' }),
  amountCents: Cents,
  currency: Currency,
  status: Type.Enum(['paid', 'refunded']),
  url: Type.Optional(Type.String()),
  transactionId: Type.String(),
  createdAt: IsoDateTimeSchema,
});

const nextCursor = Type.Union([Type.String(), Type.Null()]);
export const TransactionPage = Type.Object({ items: Type.Array(Transaction), nextCursor });
export const InvoicePage = Type.Object({ items: Type.Array(Invoice), nextCursor });
export const PageQuery = PageQuerySchema;

export const WebhookAnswer = Type.Object({
  received: Type.Boolean(),
  outcome: Type.Enum(['processed', 'duplicate', 'ignored', 'unknown_customer']),
});

export const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', maxLength: 255, description: 'makes a retry safe' } },
} as const;
